package dev.berth.provisioner.session;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.berth.contracts.ContainerSpec;

/** The containers of a session in an order that starts each after those it depends on. */
final class StartOrder {

    private StartOrder() {
    }

    /**
     * @throws ProvisioningFailure when names repeat, a dependency is not a container of the session, or
     *                             dependencies go round in a circle
     */
    static List<ContainerSpec> of(List<ContainerSpec> specs) {
        Map<String, ContainerSpec> byName = new LinkedHashMap<>();
        for (ContainerSpec spec : specs) {
            if (byName.put(spec.name(), spec) != null) {
                throw new ProvisioningFailure("Two containers are named " + spec.name());
            }
        }
        List<ContainerSpec> ordered = new ArrayList<>();
        List<String> visiting = new ArrayList<>();
        for (ContainerSpec spec : specs) {
            visit(spec, byName, visiting, ordered);
        }
        return ordered;
    }

    private static void visit(ContainerSpec spec, Map<String, ContainerSpec> byName, List<String> visiting,
            List<ContainerSpec> ordered) {
        if (ordered.contains(spec)) {
            return;
        }
        if (visiting.contains(spec.name())) {
            throw new ProvisioningFailure("Containers depend on each other in a circle: "
                    + String.join(" -> ", visiting) + " -> " + spec.name());
        }
        visiting.add(spec.name());
        for (String dependency : spec.dependsOn() == null ? List.<String>of() : spec.dependsOn()) {
            ContainerSpec required = byName.get(dependency);
            if (required == null) {
                throw new ProvisioningFailure("Container " + spec.name() + " depends on " + dependency
                        + ", which is not a container of the session");
            }
            visit(required, byName, visiting, ordered);
        }
        visiting.removeLast();
        ordered.add(spec);
    }
}
