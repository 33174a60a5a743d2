// esbuild inject for the CommonJS bundle of the CLI: `import.meta.url` of the bundle file.
export const importMetaUrl = require("node:url").pathToFileURL(__filename).href;
