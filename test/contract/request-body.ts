/** A file from a multipart request, as handlers receive it. */
export interface UploadedFile {
  filename: string;
  contentType: string;
  data: Buffer;
}

/** A request body decoded by its media type, or why it could not be. */
export type DecodedBody =
  | { ok: true; value: unknown; files: Record<string, UploadedFile | UploadedFile[]> }
  | { ok: false; message: string };

/** The media type without parameters, lower-cased: `application/json; charset=utf-8` → `application/json`. */
export function mediaTypeOf(contentType: string | undefined): string | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type || undefined;
}

export function isJsonMedia(media: string): boolean {
  return media === 'application/json' || media.endsWith('+json');
}

/** Whether values of this media type arrive as text and need coercion to the schema's types. */
export function isFormMedia(media: string): boolean {
  return media === 'application/x-www-form-urlencoded' || media === 'multipart/form-data';
}

/**
 * Picks the spec's media type entry for a request's media type: exact, then `type/*`, then `*\/*`,
 * with parameters ignored on both sides.
 */
export function pickMediaType(declared: string[], media: string): string | undefined {
  const bare = declared.map((d) => [d, mediaTypeOf(d) ?? d] as const);
  const [type] = media.split('/');
  return (
    bare.find(([, d]) => d === media)?.[0] ??
    bare.find(([, d]) => d === `${type}/*`)?.[0] ??
    bare.find(([, d]) => d === '*/*')?.[0]
  );
}

/**
 * Decodes a body: JSON; form-encoded into an object whose repeated keys become arrays; multipart
 * with the platform's own parser (fields as strings, files collected separately); anything else as
 * UTF-8 text.
 */
export async function decodeBody(raw: Buffer, contentType: string): Promise<DecodedBody> {
  const media = mediaTypeOf(contentType) ?? 'application/octet-stream';
  if (isJsonMedia(media)) {
    try {
      return { ok: true, value: JSON.parse(raw.toString('utf8')), files: {} };
    } catch (error) {
      return { ok: false, message: `body is not valid JSON: ${(error as Error).message}` };
    }
  }
  if (media === 'application/x-www-form-urlencoded') {
    return { ok: true, value: collect(new URLSearchParams(raw.toString('utf8'))), files: {} };
  }
  if (media === 'multipart/form-data') {
    try {
      const form = await new Request('http://contract.invalid/', {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: raw,
      }).formData();
      const fields: [string, string][] = [];
      const files: Record<string, UploadedFile | UploadedFile[]> = {};
      for (const [name, value] of form.entries()) {
        if (typeof value === 'string') {
          fields.push([name, value]);
          continue;
        }
        const file: UploadedFile = {
          filename: value.name,
          contentType: value.type,
          data: Buffer.from(await value.arrayBuffer()),
        };
        const earlier = files[name];
        files[name] =
          earlier === undefined ? file : Array.isArray(earlier) ? [...earlier, file] : [earlier, file];
        // A file is a binary string to the schema (`type: string, format: binary`).
        fields.push([name, file.data.toString('latin1')]);
      }
      return { ok: true, value: collect(fields), files };
    } catch (error) {
      return { ok: false, message: `multipart body does not parse: ${(error as Error).message}` };
    }
  }
  return { ok: true, value: raw.toString('utf8'), files: {} };
}

/** Key/value pairs to an object; a key given more than once becomes an array. */
export function collect(pairs: Iterable<[string, string]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of pairs) {
    const earlier = out[key];
    out[key] =
      earlier === undefined ? value : Array.isArray(earlier) ? [...earlier, value] : [earlier, value];
  }
  return out;
}
