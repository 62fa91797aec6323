/**
 * Values a brief states outright, found by plain rules (no guessing): URLs, quoted names and
 * names after "called"/"named", owner/repo slugs, #channels, versions, durations, key=value
 * tags, Kubernetes-style namespaces after "namespace", and file keys after "file".
 */
export interface ExtractedValues {
  url?: string;
  name?: string;
  repo?: string;
  channel?: string;
  version?: string;
  durationHours?: number;
  tags: Record<string, string>;
  namespace?: string;
  fileKey?: string;
  count?: number;
}

const numberWords: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
};

export function extractValues(brief: string): ExtractedValues {
  const values: ExtractedValues = { tags: {} };
  const url = /\bhttps?:\/\/[^\s'"<>)]+/.exec(brief)?.[0];
  if (url) values.url = url.replace(/[.,;:]+$/, '');
  const name =
    /\b(?:called|named)\s+['"“]?([A-Za-z0-9][\w.-]*)/.exec(brief)?.[1] ??
    /['"“‘]([A-Za-z0-9][\w .-]{0,60})['"”’]/.exec(brief)?.[1];
  if (name) values.name = name;
  const repo = /\b(?:repo(?:sitory)?\s+)([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)/.exec(brief)?.[1];
  if (repo) values.repo = repo;
  const channel = /(?:^|\s)#([a-z0-9][a-z0-9_-]{0,79})\b/.exec(brief)?.[1];
  if (channel) values.channel = channel;
  const version = /\bv?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\b/.exec(brief)?.[1];
  if (version) values.version = version;
  const duration = /\b(\d+)\s*(hours?|h|days?|d)\b/i.exec(brief);
  if (duration) values.durationHours = Number(duration[1]) * (/^d/i.test(duration[2] ?? '') ? 24 : 1);
  for (const match of brief.matchAll(/\b([a-z][a-z0-9_-]{0,62})=([A-Za-z0-9_.-]+)/g)) {
    if (match[1] && match[2]) values.tags[match[1]] = match[2];
  }
  const namespace = /\bnamespace\s+([a-z0-9][a-z0-9-]{0,62})\b/i.exec(brief)?.[1];
  if (namespace) values.namespace = namespace;
  const fileKey = /\bfile\s+([A-Za-z0-9]{6,})\b/.exec(brief)?.[1];
  if (fileKey) values.fileKey = fileKey;
  const count =
    /\b(?:first\s+)?(\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:\w+\s+)?(?:issues|tickets|tasks|items)\b/i.exec(
      brief,
    )?.[1];
  if (count) values.count = numberWords[count.toLowerCase()] ?? Number(count);
  return values;
}
