// Opens pages in the system's headless Chromium (Debian's /usr/bin/chromium, or $CHROMIUM)
// with playwright-core, which downloads no browser, and waits until the JavaScript
// expression $WAIT_FOR (default `window.__done === true`) holds on every page; each page's
// result is the expression $RESULT (default `window.__result ?? null`). Run by the Python
// browser tests:
//   node browser.mjs <timeout ms> <screenshot path or -> <url> [<url> ...]
// Prints one JSON object: {"pages": [window.__result of each page], "console": [...],
// "blocked": [non-loopback URLs the pages tried, refused]}. A fake camera is plugged in
// (--use-fake-device-for-media-stream) for WebRTC pages. Only loopback hosts are reached.
import { chromium } from "playwright-core";

const [timeoutText, screenshot, ...urls] = process.argv.slice(2);
const timeout = Number(timeoutText);
const waitFor = process.env.WAIT_FOR || "window.__done === true";
const resultOf = process.env.RESULT || "window.__result ?? null";
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  chromiumSandbox: false, // root in CI: --no-sandbox
  args: [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    // WebRTC over loopback only: no mDNS hiding of host candidates.
    "--disable-features=WebRtcHideLocalIpsWithMdns",
  ],
});
const loopback = (url) => {
  const host = new URL(url).hostname;
  return host === "127.0.0.1" || host === "localhost" || host === "[::1]";
};
const out = { pages: [], console: [], blocked: [] };
try {
  // kvsmock serve --tls makes a certificate of its own CA for the session.
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 800 } });
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("data:") || url.startsWith("blob:") || loopback(url)) return route.continue();
    out.blocked.push(url);
    return route.abort();
  });
  const pages = [];
  for (const [i, url] of urls.entries()) {
    const page = await context.newPage();
    page.on("console", (m) => out.console.push(`[${i}] ${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => out.console.push(`[${i}] pageerror: ${e.message}`));
    await page.goto(url);
    pages.push(page);
  }
  for (const page of pages) {
    try {
      await page.waitForFunction(waitFor, null, { timeout, polling: 100 });
    } catch (e) {
      out.console.push(`timeout: ${e.message.split("\n")[0]}`);
    }
    out.pages.push(await page.evaluate(resultOf));
  }
  if (screenshot !== "-") await pages[0].screenshot({ path: screenshot, fullPage: true });
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
