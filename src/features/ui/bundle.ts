// The dashboard's files (HTML, JS, CSS), read once: embedded by `bun build --compile`, bundled on first use otherwise.
import path from "node:path";
import page from "../../ui/index.html";

export interface UiFile {
  body: Uint8Array;
  type: string;
  etag: string;
}

export interface UiBundle {
  /** The page, its asset references pointing under `assetPrefix`. */
  index: UiFile;
  /** Content-hashed assets by file name (`chunk-1a2b3c.js`). */
  assets: Map<string, UiFile>;
}

/**
 * A compiled binary carries the bundle built ahead of time (`page.files`); under `bun run` or
 * `bun test` an HTML import is only a path, so the same files are built here, in memory, once.
 * Bun.serve's own HTML routes would serve them at the server's root, outside the base path and
 * outside the Hono middleware (Host and Origin checks): reading the files keeps both.
 */
export async function loadUiBundle(assetPrefix: string): Promise<UiBundle> {
  const files = page.files ? await embeddedFiles(page.files) : await builtFiles(page.index);
  const assets = new Map<string, UiFile>();
  let html: UiFile | undefined;
  for (const [name, file] of files) {
    if (file.type.startsWith("text/html")) html = file;
    else assets.set(name, file);
  }
  if (!html) throw new Error("the dashboard bundle has no HTML page");
  return { index: rewriteIndex(html, [...assets.keys()], assetPrefix), assets };
}

type Files = Array<[string, UiFile]>;

async function embeddedFiles(list: NonNullable<typeof page.files>): Promise<Files> {
  return Promise.all(
    list.map(
      async (f): Promise<[string, UiFile]> => [
        path.basename(f.path),
        {
          body: await Bun.file(f.path).bytes(),
          type: f.headers["content-type"],
          etag: `"${f.headers.etag}"`,
        },
      ],
    ),
  );
}

async function builtFiles(entry: string): Promise<Files> {
  const result = await Bun.build({ entrypoints: [entry], minify: true, target: "browser" });
  if (!result.success) throw new AggregateError(result.logs, "the dashboard failed to build");
  return Promise.all(
    result.outputs.map(async (o): Promise<[string, UiFile]> => {
      const body = new Uint8Array(await o.arrayBuffer());
      return [
        path.basename(o.path),
        { body, type: o.type, etag: `"${o.hash ?? Bun.hash(body).toString(36)}"` },
      ];
    }),
  );
}

/** The bundler writes root-relative references (`/chunk-….js`); the page lives under the base path. */
function rewriteIndex(html: UiFile, names: string[], prefix: string): UiFile {
  let text = new TextDecoder().decode(html.body);
  for (const name of names) {
    text = text
      .replaceAll(`"/${name}"`, `"${prefix}${name}"`)
      .replaceAll(`"./${name}"`, `"${prefix}${name}"`);
  }
  const body = new TextEncoder().encode(text);
  return { body, type: html.type, etag: `"${Bun.hash(body).toString(36)}"` };
}
