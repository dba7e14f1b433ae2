const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: { name: string; in: string; required?: boolean; schema?: unknown }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
}

/**
 * The API reference as one readable HTML page, rendered on the server from the
 * OpenAPI document (no script, so the dashboard's content security policy holds):
 * operations grouped by tag, each with its parameters and its body's schema.
 */
export function referencePage(doc: Record<string, unknown>): string {
  const paths = (doc.paths ?? {}) as Record<string, Record<string, Operation>>;
  const byTag = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = (op.parameters ?? [])
        .map((p) => `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? 'required' : 'optional'}</td><td><code>${esc(JSON.stringify(p.schema))}</code></td></tr>`)
        .join('');
      const body = op.requestBody?.content?.['application/json']?.schema;
      const html = `<section id="${esc(`${method}-${path}`)}"><h3><span class="m ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h3>
<p><strong>${esc(op.summary ?? '')}</strong></p>${(op.description ?? '')
        .split('\n\n')
        .map((p) => `<p>${esc(p)}</p>`)
        .join('')}
${params ? `<table><tr><th>parameter</th><th>in</th><th></th><th>schema</th></tr>${params}</table>` : ''}
${body ? `<details><summary>JSON body</summary><pre>${esc(JSON.stringify(body, null, 2))}</pre></details>` : ''}</section>`;
      const tag = op.tags?.[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), html]);
    }
  }
  const info = (doc.info ?? {}) as { title?: string; version?: string; description?: string };
  const toc = [...byTag.keys()].map((t) => `<a href="#tag-${esc(t)}">${esc(t)}</a>`).join(' · ');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(info.title)} reference</title><style>
body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:0 auto;padding:1rem;color:#222}
section{border-top:1px solid #ddd;padding:.5rem 0}h3{font-size:1rem;margin:.5rem 0;word-break:break-all}
.m{display:inline-block;min-width:4.5em;padding:0 .4em;border-radius:4px;color:#fff;font-size:.8rem;text-align:center;background:#777}
.get{background:#2b7de9}.post{background:#1a9c5b}.patch,.put{background:#c27b00}.delete{background:#c8382e}
table{border-collapse:collapse;font-size:.85rem;display:block;overflow-x:auto}td,th{border:1px solid #ddd;padding:.2em .5em;text-align:left}
pre{background:#f6f6f6;padding:.5em;overflow-x:auto;font-size:.8rem}</style></head><body>
<h1>${esc(info.title)} <small>${esc(info.version)}</small></h1><p>${esc(info.description)}</p>
<p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3).</p><nav>${toc}</nav>
${[...byTag.entries()].map(([tag, ops]) => `<h2 id="tag-${esc(tag)}">${esc(tag)}</h2>${ops.join('\n')}`).join('\n')}
</body></html>`;
}
