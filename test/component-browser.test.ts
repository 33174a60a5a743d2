/**
 * A transpiled component in a real browser: headless Chromium (Debian's, driven
 * by playwright-core) loads the generated JavaScript module from a server on
 * localhost. The module fetches its core modules next to itself
 * (`new URL(…, import.meta.url)`, `compileStreaming`), instantiates the
 * component and calls it: strings cross two inner components with different
 * encodings and memories, a host import is called, and a resource defined by
 * one component is used through another.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateComponentHost } from "../generators/ts/component/index.js";
import { tempDir, wat } from "./helpers/host.js";
import { chromium, skipReason } from "./helpers/toolchains.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const reason = skipReason(chromium());

const page = `<!doctype html>
<meta charset="utf-8">
<script type="module">
  import { instantiate as echoLen } from "./echo-len.js";
  import { instantiate as counter } from "./counter.js";
  import { instantiate as user } from "./counter-user.js";
  const logged = [];
  try {
    const el = await echoLen({ log: (s) => logged.push(s) });
    const c = await counter({});
    const { Counter } = c.counters;
    const u = await user({ "test:counters/counters": c["test:counters/counters"] });
    const a = new Counter(20);
    const doubled = u.twice(a);
    window.result = {
      echoLen: el.echoLen("grüß dich 👋"),
      echo: el.echo("a🌍b"),
      logged,
      doubled: doubled.get(),
      total: u.total(doubled),
      dropped: c.dropped(),
    };
  } catch (e) {
    window.result = { error: String(e && e.stack || e) };
  }
</script>`;

describe.skipIf(reason)("transpiled components in headless Chromium", () => {
  let server: http.Server;
  let base: string;
  const requests: string[] = [];
  const wasmFiles: string[] = [];

  beforeAll(async () => {
    const dir = tempDir();
    for (const name of ["echo-len", "counter", "counter-user"]) {
      const bytes = await wat(fs.readFileSync(path.join(root, "test/guests/components", `${name}.wat`), "utf8"));
      for (const f of await generateComponentHost(bytes, { name, js: true, format: false })) {
        fs.writeFileSync(path.join(dir, f.path), f.contents);
        if (f.path.endsWith(".wasm")) wasmFiles.push(f.path);
      }
    }
    fs.writeFileSync(path.join(dir, "index.html"), page);
    const types: Record<string, string> = {
      ".js": "text/javascript",
      ".wasm": "application/wasm",
      ".html": "text/html; charset=utf-8",
    };
    server = http.createServer((req, res) => {
      const file = path.join(dir, path.basename(new URL(req.url ?? "/", "http://localhost").pathname));
      requests.push(path.basename(file));
      if (!fs.existsSync(file)) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-type": types[path.extname(file)] ?? "application/octet-stream" });
      res.end(fs.readFileSync(file));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  });

  it("loads the core modules next to the module and runs the calls", async () => {
    const { chromium: launcher } = await import("playwright-core");
    const browser = await launcher.launch({
      executablePath: chromium().command,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    try {
      const tab = await browser.newPage();
      await tab.goto(`${base}/index.html`);
      await tab.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined, undefined, {
        timeout: 20_000,
      });
      const result = await tab.evaluate(() => (window as unknown as { result: unknown }).result);
      expect(result).toEqual({
        echoLen: 11,
        echo: "a🌍b",
        logged: ["grüß dich 👋"],
        doubled: 40,
        total: 40,
        dropped: 40,
      });
      // The browser fetched every core module itself, next to the modules.
      expect([...new Set(requests.filter((r) => r.endsWith(".wasm")))].sort()).toEqual(wasmFiles.sort());
    } finally {
      await browser.close();
    }
  }, 60_000);
});
