// The breaking changes between two OpenAPI documents, by name: what a client generated from the
// old one would trip on. Removed operations, removed response fields, removed enum values, and
// request fields (body properties, parameters) that became required.
type Json = Record<string, unknown>;
type Document = { paths?: Record<string, Record<string, Json>>; components?: { schemas?: Record<string, Json> } };

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function resolve(doc: Document, node: unknown): Json {
  if (!isObject(node)) return {};
  const ref = node.$ref;
  if (typeof ref === 'string') return resolve(doc, doc.components?.schemas?.[ref.split('/').pop() ?? '']);
  return node;
}

function operations(doc: Document): Map<string, Json> {
  const found = new Map<string, Json>();
  for (const [url, item] of Object.entries(doc.paths ?? {}))
    for (const method of METHODS) if (isObject(item[method])) found.set(`${method.toUpperCase()} ${url}`, item[method] as Json);
  return found;
}

/** Walks both schemas side by side; `side` says whether the client reads (response) or writes (request) it. */
function compareSchemas(
  before: Document,
  after: Document,
  a: unknown,
  b: unknown,
  where: string,
  side: 'request' | 'response',
  out: string[],
  seen = new Set<string>(),
): void {
  const key = `${where}|${JSON.stringify(a)}`;
  if (seen.has(key)) return;
  seen.add(key);
  const x = resolve(before, a);
  const y = resolve(after, b);
  if (Array.isArray(x.enum) && Array.isArray(y.enum))
    for (const value of x.enum) if (!y.enum.includes(value)) out.push(`removed enum value ${JSON.stringify(value)} at ${where}`);
  const xProps = isObject(x.properties) ? x.properties : {};
  const yProps = isObject(y.properties) ? y.properties : {};
  const xRequired = new Set(Array.isArray(x.required) ? x.required : []);
  const yRequired = Array.isArray(y.required) ? (y.required as string[]) : [];
  for (const [name, schema] of Object.entries(xProps)) {
    if (!(name in yProps)) {
      if (side === 'response') out.push(`removed response field ${where}.${name}`);
      continue;
    }
    compareSchemas(before, after, schema, yProps[name], `${where}.${name}`, side, out, seen);
  }
  if (side === 'request') for (const name of yRequired) if (!xRequired.has(name)) out.push(`new required request field ${where}.${name}`);
  if (x.items !== undefined && y.items !== undefined) compareSchemas(before, after, x.items, y.items, `${where}[]`, side, out, seen);
  for (const combinator of ['anyOf', 'oneOf', 'allOf'])
    if (Array.isArray(x[combinator]) && Array.isArray(y[combinator]))
      (x[combinator] as unknown[]).forEach((branch, i) =>
        compareSchemas(before, after, branch, (y[combinator] as unknown[])[i], `${where}(${combinator}${i})`, side, out, seen),
      );
}

const jsonSchema = (holder: unknown): unknown => {
  const content = isObject(holder) && isObject(holder.content) ? holder.content : {};
  const json = content['application/json'];
  return isObject(json) ? json.schema : undefined;
};

/** The breaking changes from `old` to `next` (two parsed OpenAPI documents), one sentence each. */
export function breakingChanges(old: object, next: object): string[] {
  const before = old as Document;
  const after = next as Document;
  const out: string[] = [];
  const current = operations(after);
  for (const [name, old] of operations(before)) {
    const now = current.get(name);
    if (!now) {
      out.push(`removed operation ${name}${old.operationId ? ` (${String(old.operationId)})` : ''}`);
      continue;
    }
    const oldParams = new Map(((old.parameters as Json[] | undefined) ?? []).map((p) => [`${String(p.in)} ${String(p.name)}`, p]));
    for (const p of (now.parameters as Json[] | undefined) ?? []) {
      const id = `${String(p.in)} ${String(p.name)}`;
      if (p.required === true && oldParams.get(id)?.required !== true) out.push(`new required request field ${name} ${id}`);
      if (oldParams.has(id)) compareSchemas(before, after, oldParams.get(id)?.schema, p.schema, `${name} ${id}`, 'request', out);
    }
    const oldBody = jsonSchema(old.requestBody);
    const newBody = jsonSchema(now.requestBody);
    if (newBody !== undefined && oldBody === undefined && isObject(now.requestBody) && now.requestBody.required === true)
      out.push(`new required request field ${name} body`);
    if (oldBody !== undefined && newBody !== undefined) compareSchemas(before, after, oldBody, newBody, `${name} body`, 'request', out);
    const oldResponses = isObject(old.responses) ? old.responses : {};
    const newResponses = isObject(now.responses) ? now.responses : {};
    for (const [status, response] of Object.entries(oldResponses)) {
      if (!/^2/.test(status)) continue;
      if (!(status in newResponses)) {
        out.push(`removed response ${status} of ${name}`);
        continue;
      }
      const a = jsonSchema(response);
      const b = jsonSchema(newResponses[status]);
      if (a !== undefined && b !== undefined) compareSchemas(before, after, a, b, `${name} ${status}`, 'response', out);
    }
  }
  return [...new Set(out)];
}
