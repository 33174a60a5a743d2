/**
 * WASI 0.2 for `witx-bindgen run`: the Node.js implementation of
 * `@bytecodealliance/preview2-shim`, as an import object keyed by interface
 * (`wasi:cli/stdout`, ...: the transpiled host also finds versioned imports
 * under their unversioned names).
 *
 * Only the packages of WASI the component imports are loaded (the shim's
 * `wasi:http` and `wasi:sockets` alone take longer to load than a small
 * component to run). The guest sees the arguments and environment it is
 * given, the preopened directories and nothing else of the host's file
 * system, and no network: the shim's sockets and outgoing HTTP are denied,
 * as wasmtime denies them unless asked. `wasi:cli/exit` throws `GuestExit`
 * instead of ending the process, so that the output is flushed and the
 * status decided by the caller.
 */
import { requireDependency } from "../generators/output.js";

/** How the guest ended through `wasi:cli/exit`: `exit(ok)` is 0, `exit(err)` 1, `exit-with-code(n)` n. */
export class GuestExit extends Error {
  override name = "GuestExit";
  constructor(readonly code: number) {
    super(`the guest exited with status ${code}`);
  }
}

export interface WasiOptions {
  /** `argv`, the program name first. */
  args: string[];
  env: Record<string, string>;
  /** Guest path → host directory. */
  preopens: Record<string, string>;
}

type Shim = Record<string, any>;
const shim = (name: string): Shim => requireDependency(`@bytecodealliance/preview2-shim/${name}`) as Shim;

/**
 * The import object for a component importing the instances `imports`
 * (their names as the component gives them, `wasi:io/streams@0.2.3`).
 */
export function wasiImports(imports: string[], options: WasiOptions): Record<string, unknown> {
  const packages = new Set(imports.map((name) => /^wasi:([a-z-]+)\//.exec(name)?.[1]).filter((p) => p !== undefined));
  const out: Record<string, unknown> = {};
  if (packages.size === 0) return out;
  // `wasi:io` and `wasi:cli` are what every other package's streams and commands build on.
  const io = shim("io");
  out["wasi:io/error"] = io.error;
  out["wasi:io/poll"] = io.poll;
  out["wasi:io/streams"] = io.streams;
  const cli = shim("cli");
  cli._setEnv(options.env);
  cli._setArgs(options.args);
  out["wasi:cli/environment"] = cli.environment;
  out["wasi:cli/exit"] = {
    exit(status: { tag: "ok" | "err" }): never {
      throw new GuestExit(status.tag === "err" ? 1 : 0);
    },
    exitWithCode(code: number): never {
      throw new GuestExit(code);
    },
  };
  out["wasi:cli/stdin"] = cli.stdin;
  out["wasi:cli/stdout"] = cli.stdout;
  out["wasi:cli/stderr"] = cli.stderr;
  out["wasi:cli/terminal-input"] = cli.terminalInput;
  out["wasi:cli/terminal-output"] = cli.terminalOutput;
  out["wasi:cli/terminal-stdin"] = cli.terminalStdin;
  out["wasi:cli/terminal-stdout"] = cli.terminalStdout;
  out["wasi:cli/terminal-stderr"] = cli.terminalStderr;
  if (packages.has("clocks")) {
    const clocks = shim("clocks");
    out["wasi:clocks/monotonic-clock"] = clocks.monotonicClock;
    out["wasi:clocks/wall-clock"] = clocks.wallClock;
  }
  if (packages.has("random")) {
    const random = shim("random");
    out["wasi:random/random"] = random.random;
    out["wasi:random/insecure"] = random.insecure;
    out["wasi:random/insecure-seed"] = random.insecureSeed;
  }
  if (packages.has("filesystem")) {
    const fs = shim("filesystem");
    const isolated = fs.createFilesystem({ preopens: options.preopens });
    out["wasi:filesystem/types"] = isolated.types;
    out["wasi:filesystem/preopens"] = isolated.preopens;
  }
  if (packages.has("sockets")) {
    const sockets = shim("sockets");
    sockets._denyTcp();
    sockets._denyUdp();
    sockets._denyDnsLookup();
    out["wasi:sockets/instance-network"] = sockets.instanceNetwork;
    out["wasi:sockets/ip-name-lookup"] = sockets.ipNameLookup;
    out["wasi:sockets/network"] = sockets.network;
    out["wasi:sockets/tcp"] = sockets.tcp;
    out["wasi:sockets/tcp-create-socket"] = sockets.tcpCreateSocket;
    out["wasi:sockets/udp"] = sockets.udp;
    out["wasi:sockets/udp-create-socket"] = sockets.udpCreateSocket;
  }
  if (packages.has("http")) {
    const http = shim("http");
    http._denyHttp();
    out["wasi:http/types"] = http.types;
    out["wasi:http/outgoing-handler"] = http.outgoingHandler;
  }
  return out;
}
