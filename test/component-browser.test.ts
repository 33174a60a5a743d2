/**
 * A transpiled component in a real browser: headless Chromium (Debian's, driven
 * by playwright-core) loads the generated JavaScript module from a server on
 * localhost. The module fetches its core modules next to itself
 * (`new URL(…, import.meta.url)`, `compileStreaming`), instantiates the
 * component and calls it: strings cross two inner components with different
 * encodings and memories, a host import is called, and a resource defined by
 * one component is used through another. The async example
 * (examples/wordcount) runs there too: its callback-lifted export reads a
 * `stream<u8>` the page writes slowly, and returns a future.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { componentNew, embedMetadata, loadWitPath } from "../index.js";
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
  import { instantiate as wordcount, liveHandles } from "./wordcount.js";
  const logged = [];
  try {
    const el = await echoLen({ log: (s) => logged.push(s) });
    const c = await counter({});
    const { Counter } = c.counters;
    const u = await user({ "test:counters/counters": c["test:counters/counters"] });
    const a = new Counter(20);
    const doubled = u.twice(a);
    const wc = await wordcount({});
    const chunk = new TextEncoder().encode("one two\\nthree ");
    let pulls = 0;
    const text = new ReadableStream({
      async pull(controller) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        if (pulls++ === 3) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const counts = await wc.count(text);
    window.result = {
      counts: { bytes: Number(counts.bytes), words: counts.words, lines: counts.lines },
      handles: liveHandles(wc),
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
    const components: [string, Uint8Array][] = [];
    for (const name of ["echo-len", "counter", "counter-user"])
      components.push([
        name,
        await wat(fs.readFileSync(path.join(root, "test/guests/components", `${name}.wat`), "utf8")),
      ]);
    const example = loadWitPath(path.join(root, "examples/wordcount/wit"));
    if (!example.ok) throw new Error("examples/wordcount/wit does not load");
    const guest = await wat(fs.readFileSync(path.join(root, "examples/wordcount/guest.wat"), "utf8"));
    components.push(["wordcount", componentNew(embedMetadata(guest, example.resolve, example.world!))]);
    for (const [name, bytes] of components) {
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

  it("loads the core modules next to the module and runs the calls, async ones too", async () => {
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
      const problems: string[] = [];
      tab.on("pageerror", (e) => problems.push(String(e)));
      tab.on("console", (m) => {
        if (m.type() === "error") problems.push(m.text());
      });
      await tab.goto(`${base}/index.html`);
      await tab
        .waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined, undefined, {
          timeout: 20_000,
        })
        .catch((e: unknown) => {
          throw new Error(`the page did not finish: ${problems.join("; ") || String(e)}`);
        });
      const result = await tab.evaluate(() => (window as unknown as { result: unknown }).result);
      expect(result).toEqual({
        counts: { bytes: 42, words: 9, lines: 3 },
        handles: 0,
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
