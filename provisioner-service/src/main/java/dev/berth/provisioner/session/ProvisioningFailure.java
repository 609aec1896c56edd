package dev.berth.provisioner.session;

/** A create that cannot succeed on this node; the message is the reason the session reports. */
class ProvisioningFailure extends RuntimeException {

    ProvisioningFailure(String reason) {
        super(reason);
    }
}
