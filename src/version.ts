// The proxy's own version, from package.json (bundled into the compiled binary).
import pkg from "../package.json" with { type: "json" };

export const PROXY_VERSION: string = pkg.version;
