/**
 * Renders an OpenAPI 3.1 document as one plain HTML page: operations with
 * their parameters, request and response schemas, the webhooks and the
 * named schemas. Everything is escaped; the page has no script and its only
 * style is the same-origin `docs.css`, as the CSP requires.
 */

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const MAX_DEPTH = 8;

/** HTML-escapes text for element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** The few Markdown bits the descriptions use: paragraphs and `code`. */
function prose(text: string): string {
  return text
    .split(/\n\s*\n/)
    .filter((p) => p.trim() !== '')
    .map((p) => `<p>${escapeHtml(p.trim()).replace(/`([^`]+)`/g, '<code>$1</code>')}</p>`)
    .join('');
}

const refName = (ref: string) => ref.replace(/^#\/components\/schemas\//, '');
const anchor = (text: string) => text.replace(/[^A-Za-z0-9_-]/g, '-');

/** The one-line kind of a schema: type, format, enum, limits. */
function kindOf(schema: Json): string {
  if (typeof schema.$ref === 'string') {
    const name = refName(schema.$ref);
    return `<a href="#schema-${anchor(name)}">${escapeHtml(name)}</a>`;
  }
  const parts: string[] = [];
  const type = Array.isArray(schema.type) ? schema.type.map(str).join(' | ') : str(schema.type);
  if (type) parts.push(`<span class="type">${escapeHtml(type)}</span>`);
  if (typeof schema.format === 'string') parts.push(`<span class="format">${escapeHtml(schema.format)}</span>`);
  if ('const' in schema) parts.push(`= <code>${escapeHtml(JSON.stringify(schema.const))}</code>`);
  if (Array.isArray(schema.enum)) parts.push(`one of ${schema.enum.map((v) => `<code>${escapeHtml(JSON.stringify(v))}</code>`).join(', ')}`);
  const limits: [string, string][] = [
    ['minLength', 'min length'],
    ['maxLength', 'max length'],
    ['minimum', 'min'],
    ['maximum', 'max'],
    ['minItems', 'min items'],
    ['maxItems', 'max items'],
  ];
  for (const [key, label] of limits) if (typeof schema[key] === 'number') parts.push(`${label} ${String(schema[key])}`);
  if (typeof schema.pattern === 'string') parts.push(`pattern <code>${escapeHtml(schema.pattern)}</code>`);
  if ('default' in schema) parts.push(`default <code>${escapeHtml(JSON.stringify(schema.default))}</code>`);
  return parts.join(' · ');
}

/** A schema as a nested list of its properties. */
export function renderSchema(schema: unknown, depth = 0): string {
  if (!isObject(schema)) return '';
  if (depth > MAX_DEPTH) return '<span class="more">…</span>';
  const out: string[] = [`<span class="kind">${kindOf(schema)}</span>`];
  if (typeof schema.description === 'string' && typeof schema.$ref !== 'string') out.push(`<div class="desc">${prose(schema.description)}</div>`);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list)) {
      const label = key === 'allOf' ? 'all of' : 'one of';
      out.push(`<div class="alt">${label}:<ul>${list.map((s) => `<li>${renderSchema(s, depth + 1)}</li>`).join('')}</ul></div>`);
    }
  }
  if (isObject(schema.items)) out.push(`<div class="items">items: ${renderSchema(schema.items, depth + 1)}</div>`);
  if (isObject(schema.properties)) {
    const required = new Set(Array.isArray(schema.required) ? schema.required.map(str) : []);
    const rows = Object.entries(schema.properties).map(
      ([name, sub]) =>
        `<li><code class="prop">${escapeHtml(name)}</code>${required.has(name) ? ' <span class="req">required</span>' : ''} ${renderSchema(sub, depth + 1)}</li>`,
    );
    out.push(`<ul class="props">${rows.join('')}</ul>`);
  }
  return out.join('');
}

function renderParameters(params: unknown): string {
  if (!Array.isArray(params) || params.length === 0) return '';
  const rows = params.filter(isObject).map(
    (p) =>
      `<tr><td><code>${escapeHtml(str(p.name))}</code></td><td>${escapeHtml(str(p.in))}</td><td>${p.required === true ? 'yes' : 'no'}</td><td>${renderSchema(p.schema)}${p.description ? prose(str(p.description)) : ''}</td></tr>`,
  );
  return `<h4>Parameters</h4><table><thead><tr><th>Name</th><th>In</th><th>Required</th><th>Schema</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function jsonSchemaOf(content: unknown): unknown {
  if (!isObject(content)) return undefined;
  const media = content['application/json'] ?? Object.values(content)[0];
  return isObject(media) ? media.schema : undefined;
}

function renderOperation(method: string, path: string, op: Json): string {
  const id = anchor(str(op.operationId) || `${method}-${path}`);
  const security = Array.isArray(op.security) ? op.security.filter(isObject) : [];
  const scopes = security.flatMap((s) => Object.values(s).flatMap((v) => (Array.isArray(v) ? v.map(str) : [])));
  const parts = [
    `<section class="op" id="${id}">`,
    `<h3><span class="method ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>`,
    op.summary ? `<p class="summary">${escapeHtml(str(op.summary))}</p>` : '',
    op.description ? prose(str(op.description)) : '',
    scopes.length ? `<p>Scope: ${scopes.map((s) => `<code>${escapeHtml(s)}</code>`).join(', ')}</p>` : '',
    renderParameters(op.parameters),
  ];
  if (isObject(op.requestBody)) {
    parts.push(`<h4>Request body${op.requestBody.required === true ? ' (required)' : ''}</h4>`, renderSchema(jsonSchemaOf(op.requestBody.content)));
  }
  if (isObject(op.responses)) {
    parts.push('<h4>Responses</h4><dl class="responses">');
    for (const [status, res] of Object.entries(op.responses)) {
      if (!isObject(res)) continue;
      parts.push(`<dt>${escapeHtml(status)}</dt><dd>${prose(str(res.description))}${renderSchema(jsonSchemaOf(res.content))}</dd>`);
    }
    parts.push('</dl>');
  }
  parts.push('</section>');
  return parts.join('');
}

function operationsOf(paths: unknown): { method: string; path: string; op: Json }[] {
  if (!isObject(paths)) return [];
  return Object.entries(paths).flatMap(([path, item]) =>
    isObject(item) ? METHODS.filter((m) => isObject(item[m])).map((m) => ({ method: m, path, op: item[m] as Json })) : [],
  );
}

/** The reference page of a document. */
export function renderApiDocs(doc: Json): string {
  const info = isObject(doc.info) ? doc.info : {};
  const title = str(info.title) || 'API';
  const operations = operationsOf(doc.paths);
  const hooks = operationsOf(doc.webhooks);
  const components = isObject(doc.components) ? doc.components : {};
  const schemas = isObject(components.schemas) ? components.schemas : {};
  const schemes = isObject(components.securitySchemes) ? components.securitySchemes : {};
  const nav = operations
    .map(({ method, path, op }) => `<li><a href="#${anchor(str(op.operationId) || `${method}-${path}`)}"><span class="method ${method}">${method.toUpperCase()}</span> ${escapeHtml(path)}</a></li>`)
    .join('');
  const body = [
    `<header><h1>${escapeHtml(title)} <span class="version">${escapeHtml(str(info.version))}</span></h1>`,
    prose(str(info.description)),
    `<p><a href="openapi.json">OpenAPI document (JSON)</a></p></header>`,
    `<nav aria-label="Contents"><h2>Contents</h2><ul>${nav}</ul></nav>`,
    '<main>',
    '<h2>Authentication</h2>',
    Object.entries(schemes)
      .filter(([, s]) => isObject(s))
      .map(([name, s]) => {
        const scheme = s as Json;
        return `<p><code>${escapeHtml(name)}</code>: ${escapeHtml(str(scheme.type))} ${escapeHtml(str(scheme.scheme))} (${escapeHtml(str(scheme.bearerFormat))}). ${escapeHtml(str(scheme.description))}</p>`;
      })
      .join(''),
    '<h2>Operations</h2>',
    operations.map(({ method, path, op }) => renderOperation(method, path, op)).join(''),
    hooks.length ? '<h2>Webhooks</h2>' : '',
    hooks.map(({ method, path, op }) => renderOperation(method, path, op)).join(''),
    '<h2>Schemas</h2>',
    Object.entries(schemas)
      .map(([name, schema]) => `<section class="schema" id="schema-${anchor(name)}"><h3>${escapeHtml(name)}</h3>${renderSchema(schema)}</section>`)
      .join(''),
    '</main>',
  ].join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="docs.css">
</head>
<body>
${body}
</body>
</html>
`;
}

/** The page's stylesheet, served from `docs.css` (the CSP allows same-origin styles only). */
export const API_DOCS_CSS = `
:root { color-scheme: light; --ink: #0b0c0c; --muted: #505a5f; --line: #b1b4b6; --accent: #1d70b8; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 72rem; padding: 1rem 1.25rem 4rem; font: 16px/1.5 system-ui, sans-serif; color: var(--ink); }
h1 { font-size: 2rem; margin: 0.5rem 0; } h2 { margin-top: 2.5rem; border-bottom: 2px solid var(--ink); }
h3 { margin: 0 0 0.5rem; font-size: 1.15rem; } h4 { margin: 1rem 0 0.25rem; }
a { color: var(--accent); } code { font-family: ui-monospace, monospace; font-size: 0.92em; background: #f3f2f1; padding: 0 0.2em; }
.version { font-size: 1rem; color: var(--muted); font-weight: normal; }
nav ul { list-style: none; padding: 0; columns: 2 20rem; }
.method { display: inline-block; min-width: 4.2em; text-align: center; font: bold 0.8rem ui-monospace, monospace; padding: 0.1em 0.3em; color: #fff; background: #505a5f; }
.method.get { background: #00703c; } .method.post { background: #1d70b8; } .method.delete { background: #d4351c; }
.op, .schema { border: 1px solid var(--line); padding: 1rem; margin: 1rem 0; }
.summary { font-weight: 600; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; vertical-align: top; border-bottom: 1px solid var(--line); padding: 0.3rem 0.5rem; }
ul.props { margin: 0.25rem 0; padding-left: 1.25rem; } ul.props li { margin: 0.2rem 0; }
.req { color: #d4351c; font-size: 0.8rem; font-weight: bold; } .type { font-weight: 600; } .format, .more { color: var(--muted); }
.desc p { margin: 0.1rem 0; color: var(--muted); }
dl.responses dt { font-weight: bold; margin-top: 0.5rem; } dl.responses dd { margin-left: 1.5rem; }
@media (max-width: 40rem) { body { padding: 0.75rem; } table, tbody, tr, td { display: block; } thead { display: none; } }
`;
