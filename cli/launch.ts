/**
 * `dist/cli/launch.js`, the former `bin` of the package, for whatever still
 * runs it: starts the CLI as `launch.cjs` (the `bin`) does.
 */
import "./launch.cjs";
