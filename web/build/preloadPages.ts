import type { Plugin, Rollup } from 'vite';

type OutputBundle = Rollup.OutputBundle;
type OutputChunk = Rollup.OutputChunk;

/**
 * Lets index.html fetch a page's code while the app's own code is still loading. A page loaded on demand is
 * otherwise found only after the main bundle has run and asked for it: one more round trip, then parse, before
 * anything of the page can render. For each page module named here, the build writes the files it needs (its
 * chunk, the chunks it imports, their CSS) into index.html as `window.__trellisPreload`, in place of the
 * `<!-- trellis:preload -->` marker; the inline script after it adds a modulepreload (or stylesheet preload) link
 * for each when the page opens on that page's path.
 */
const MARKER = '<!-- trellis:preload -->';

export function preloadPages(pages: Record<string, string>): Plugin {
  return {
    name: 'trellis-preload-pages',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        if (!html.includes(MARKER)) throw new Error(`preloadPages: index.html has no ${MARKER} marker`);
        if (!ctx.bundle) return html.replace(MARKER, '');
        const map: Record<string, { js: string[]; css: string[] }> = {};
        for (const [page, module] of Object.entries(pages)) {
          const chunk = Object.values(ctx.bundle).find(
            (out): out is OutputChunk => out.type === 'chunk' && !!out.facadeModuleId?.endsWith(module),
          );
          if (!chunk) throw new Error(`preloadPages: no chunk is built from ${module}`);
          map[page] = filesOf(chunk, ctx.bundle);
        }
        return html.replace(MARKER, `<script>window.__trellisPreload = ${JSON.stringify(map)};</script>`);
      },
    },
  };
}

/** A chunk and everything it imports statically, with their CSS, in load order. */
function filesOf(entry: OutputChunk, bundle: OutputBundle): { js: string[]; css: string[] } {
  const js = new Set<string>();
  const css = new Set<string>();
  const visit = (chunk: OutputChunk) => {
    if (js.has(chunk.fileName)) return;
    js.add(chunk.fileName);
    for (const file of chunk.viteMetadata?.importedCss ?? []) css.add(file);
    for (const imported of chunk.imports) {
      const next = bundle[imported];
      if (next?.type === 'chunk') visit(next);
    }
  };
  visit(entry);
  return { js: [...js].map((f) => `/${f}`), css: [...css].map((f) => `/${f}`) };
}
