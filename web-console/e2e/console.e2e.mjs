// End-to-end test of the web console in Debian's Chromium, against a running Berth:
//   node e2e/console.e2e.mjs http://127.0.0.1:8080
// The gateway must have development sign-in on (berth.gateway.dev-sign-in=true). Screenshots of the main
// states go to docs/ (BERTH_E2E_SCREENSHOTS=<dir> elsewhere). BERTH_E2E_SKIP_FILES=1 writes the app through
// the terminal instead of uploading a zip, for a gateway without the files API.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { zip } from './zip.mjs';

const base = (process.argv[2] ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
const here = dirname(fileURLToPath(import.meta.url));
const screenshots = process.env.BERTH_E2E_SCREENSHOTS ?? join(here, '..', '..', 'docs');
const failures = join(here, '..', 'target', 'e2e');
const skipFiles = process.env.BERTH_E2E_SKIP_FILES === '1';
const chromiumPath = process.env.BERTH_E2E_CHROMIUM ?? '/usr/bin/chromium';
const owner = `e2e-${Math.random().toString(36).slice(2, 8)}`;

const SERVER_JS = `const http = require('http');
http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end('<!doctype html><title>Demo app</title><h1>Hello from Berth</h1><p>path ' + req.url + '</p>');
}).listen(3000, () => console.log('listening on 3000'));
`;
const PACKAGE_JSON = JSON.stringify({ name: 'demo-app', version: '1.0.0', private: true,
  scripts: { start: 'node server.js' } }, null, 2);

const started = Date.now();
function step(text) {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${text}`);
}

/** The lines the terminal shows, as text. */
function terminalLines(page) {
  return page.locator('.xterm-host:not([hidden]) .xterm-rows > div').allTextContents();
}

async function waitForTerminalLine(page, wanted, timeout) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const lines = (await terminalLines(page)).map((line) => line.replace(/\u00a0/g, ' ').trim());
    if (lines.includes(wanted)) {
      return;
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`the terminal never showed a line "${wanted}"; it shows:\n${(await terminalLines(page)).join('\n')}`);
}

async function typeInTerminal(page, text) {
  await page.locator('.xterm-host:not([hidden]) .xterm-helper-textarea').focus();
  await page.keyboard.type(text);
}

const profile = mkdtempSync(join(tmpdir(), 'berth-e2e-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: chromiumPath,
  headless: true,
  viewport: { width: 1440, height: 900 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = context.pages()[0] ?? await context.newPage();
const consoleErrors = [];
page.on('console', (message) => {
  // The browser reports expected HTTP answers (the preview's 502 while the app starts) as errors too.
  if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
    consoleErrors.push(message.text());
  }
});
page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
page.setDefaultTimeout(30_000);

let exitCode = 0;
try {
  step(`open ${base}/ and sign in for development as ${owner}`);
  await page.goto(`${base}/`);
  await page.locator('#dev-owner').fill(owner);
  await page.locator('#dev-sign-in').click();
  await page.locator('.topbar .who', { hasText: owner }).waitFor();
  await page.locator('.stream-state[data-state=live]').waitFor();

  step('create a session and wait for RUNNING');
  await page.locator('#create-project').fill('e2e');
  await page.locator('#create-duration').fill('30');
  await page.getByRole('button', { name: 'Create session' }).click();
  await page.locator('.session-bar .badge', { hasText: 'RUNNING' }).waitFor({ timeout: 120_000 });
  const sessionId = await page.locator('.session-row[aria-current=true]').getAttribute('data-session');
  await page.locator('.timeline .entry', { hasText: 'Running' }).waitFor();
  step(`session ${sessionId} is RUNNING`);

  step('type echo hello in the terminal');
  await page.locator('.terminal-tab[data-state=connected]').waitFor({ timeout: 30_000 });
  await typeInTerminal(page, 'echo hello\r');
  await waitForTerminalLine(page, 'hello', 15_000);
  await page.locator('.preview-state.waiting', { hasText: 'not running yet' }).waitFor();
  await page.screenshot({ path: join(screenshots, 'console-sessions.png') });

  if (skipFiles) {
    step('BERTH_E2E_SKIP_FILES=1: write the app through the terminal instead of uploading a zip');
    const b64 = (text) => Buffer.from(text).toString('base64');
    await typeInTerminal(page, `mkdir -p /workspace/app && echo ${b64(SERVER_JS)} | base64 -d > /workspace/app/server.js`
      + ` && echo ${b64(PACKAGE_JSON)} | base64 -d > /workspace/app/package.json && echo written\r`);
    await waitForTerminalLine(page, 'written', 15_000);
  } else {
    step('upload a zip with a Node.js app into /workspace');
    await page.getByRole('tab', { name: 'Files' }).click();
    await page.locator('#upload-file').setInputFiles({ name: 'app.zip', mimeType: 'application/zip',
      buffer: zip({ 'app/package.json': PACKAGE_JSON, 'app/server.js': SERVER_JS }) });
    await page.locator('#upload-target').fill('/workspace');
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.locator('.upload .notice-success', { hasText: 'extracted into /workspace' }).waitFor();
    await page.locator('.file-table button.link', { hasText: 'app/' }).click();
    await page.locator('.file-table td', { hasText: 'server.js' }).waitFor();
    await page.screenshot({ path: join(screenshots, 'console-files.png') });
    await page.locator('#upload-file').setInputFiles({ name: 'evil.zip', mimeType: 'application/zip',
      buffer: zip({ '../evil.txt': 'outside' }) });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const refusal = await page.locator('.upload .notice-error', { hasText: 'Not uploaded:' }).textContent();
    step(`a zip escaping its directory is refused: ${refusal}`);
    await page.getByRole('tab', { name: 'Messages' }).click();
  }

  step('start the app from the terminal');
  await typeInTerminal(page, 'cd /workspace/app && (node server.js > /tmp/app.log 2>&1 &) && sleep 1 && cat /tmp/app.log\r');
  await waitForTerminalLine(page, 'listening on 3000', 20_000);
  await page.screenshot({ path: join(screenshots, 'console-terminal.png') });

  step('see the app in the preview');
  const app = page.frameLocator('.preview-frame').locator('h1');
  await app.filter({ hasText: 'Hello from Berth' }).waitFor({ timeout: 30_000 });
  await page.locator('.preview-bar .address').fill('/about?x=1');
  await page.locator('.preview-bar').getByRole('button', { name: 'Go' }).click();
  await page.frameLocator('.preview-frame').locator('p', { hasText: 'path /about?x=1' }).waitFor();
  await page.screenshot({ path: join(screenshots, 'console-preview.png') });
  const [tab] = await Promise.all([context.waitForEvent('page'),
    page.locator('.preview-bar').getByRole('button', { name: 'Open in new tab' }).click()]);
  await tab.locator('p', { hasText: 'path /about?x=1' }).waitFor();
  if (!new URL(tab.url()).hostname.startsWith(`${sessionId}-3000.`)) {
    throw new Error(`the new tab should show the app on its own host, not ${tab.url()}`);
  }
  await tab.close();

  step('follow the container output and extend the lease');
  await page.getByRole('tab', { name: 'Logs' }).click();
  await page.locator('.log-status', { hasText: 'Following the container output' }).waitFor();
  await page.getByRole('tab', { name: 'Messages' }).click();
  await page.locator('.session-bar').getByRole('button', { name: 'Extend' }).click();
  await page.locator('.timeline .entry', { hasText: 'Lease extended to' }).waitFor();

  step('reload the page: the terminal comes back with its scrollback');
  await page.reload();
  await page.locator('.session-bar .badge', { hasText: 'RUNNING' }).waitFor();
  await page.locator('.terminal-tab[data-state=connected]').waitFor();
  await waitForTerminalLine(page, 'hello', 15_000);
  if (await page.locator('.terminal-tab').count() !== 1) {
    throw new Error('after the reload the page should show the one terminal it had, not a new one');
  }
  await typeInTerminal(page, 'echo again-$((40+2))\r');
  await waitForTerminalLine(page, 'again-42', 15_000);
  await page.frameLocator('.preview-frame').locator('h1', { hasText: 'Hello from Berth' }).waitFor();

  step('a narrow window stays usable');
  await page.setViewportSize({ width: 420, height: 900 });
  await page.locator('.session-bar .badge', { hasText: 'RUNNING' }).waitFor();
  await page.screenshot({ path: join(screenshots, 'console-narrow.png'), fullPage: false });
  await page.setViewportSize({ width: 1440, height: 900 });

  step('delete the session and see it TERMINATED');
  await page.locator('.session-bar').getByRole('button', { name: 'Delete' }).click();
  await page.locator('.session-bar .badge', { hasText: 'TERMINATED' }).waitFor({ timeout: 60_000 });
  await page.locator('.timeline .entry', { hasText: 'Terminated by its owner' }).waitFor();
  await page.locator('.terminal-body .hint', { hasText: 'TERMINATED' }).waitFor();

  step('sign out');
  await page.locator('#sign-out').click();
  await page.locator('#dev-sign-in').waitFor();
  if (await page.evaluate(() => sessionStorage.getItem('berth.token')) !== null) {
    throw new Error('signing out left the token in the tab');
  }
  if (consoleErrors.length > 0) {
    throw new Error(`the page logged errors:\n${consoleErrors.join('\n')}`);
  }
  step(`passed${skipFiles ? ' (files step skipped: BERTH_E2E_SKIP_FILES=1)' : ''}`);
} catch (error) {
  exitCode = 1;
  console.error(`FAILED: ${error instanceof Error ? error.stack ?? error.message : error}`);
  if (consoleErrors.length > 0) {
    console.error(`page errors:\n${consoleErrors.join('\n')}`);
  }
  mkdirSync(failures, { recursive: true });
  await page.screenshot({ path: join(failures, 'failure.png') }).catch(() => undefined);
  console.error(`screenshot of the failure: ${join(failures, 'failure.png')}`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(exitCode);
