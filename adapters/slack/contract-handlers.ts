import { randomBytes } from 'node:crypto';
import type {
  ContractHandler,
  ContractRequest,
  ContractResponse,
} from '../../test/contract/contract-server.js';

/**
 * Test support: a small Slack workspace in memory behind the contract server. Each handler answers
 * as Slack's Web API does (HTTP 200 with `{ok: false, error}` for refusals, error codes from the
 * method's own list) and every answer is checked against the spec before it is sent.
 */

/** Tokens the fake workspace accepts start with this; any other token is `invalid_auth`. */
export const SLACK_TEST_TOKEN_PREFIX = 'xoxb-contract-';

/** The bot user the tokens belong to, and two more members of the workspace. */
export const slackUsers = { bot: 'U0SOMAGENT1', alice: 'U0ALICE0001', bob: 'U0BOB000001' } as const;

export interface SlackChannelRecord {
  id: string;
  name: string;
  isPrivate: boolean;
  isArchived: boolean;
  created: number;
  members: Set<string>;
}

export interface SlackMessageRecord {
  channel: string;
  ts: string;
  text: string;
  blocks?: unknown[];
  threadTs?: string;
  edited: boolean;
}

export interface SlackFileRecord {
  id: string;
  filename: string;
  title: string;
  length: number;
  bytes?: Buffer;
  channel?: string;
  initialComment?: string;
}

/** The fake workspace: its handlers by operationId, its state for assertions, and test levers. */
export interface SlackFake {
  handlers: Record<string, ContractHandler>;
  channels: Map<string, SlackChannelRecord>;
  messages: SlackMessageRecord[];
  files: Map<string, SlackFileRecord>;
  /** When each chat.postMessage request arrived (ms since the epoch), whatever it was answered. */
  postArrivals: number[];
  /** The most conversations.list returns per page, so that clients must follow cursors. */
  pageSize: number;
  /** Answers the next request of an operation with this response instead (a 429, an outage). */
  answerNext(operationId: string, response: ContractResponse): void;
  /** A channel that exists before the test, as an admin would have made it. */
  seedChannel(name: string, options?: { isPrivate?: boolean; members?: string[] }): SlackChannelRecord;
}

const ok = (body: Record<string, unknown> = {}): ContractResponse => ({
  status: 200,
  body: { ok: true, ...body },
});
const refuse = (error: string, extra: Record<string, unknown> = {}): ContractResponse => ({
  status: 200,
  body: { ok: false, error, ...extra },
});
const slackId = (prefix: string) =>
  prefix + [...randomBytes(10)].map((byte) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[byte % 36]).join('');

/** Query and form fields together: the fake serves a method the same way over GET and POST. */
function argsOf(request: ContractRequest): Record<string, unknown> {
  const body = typeof request.body === 'object' && request.body !== null ? request.body : {};
  return { ...request.query, ...(body as Record<string, unknown>) };
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** A new, empty workspace with the bot and two users (`slackUsers`). */
export function createSlackFake(): SlackFake {
  const channels = new Map<string, SlackChannelRecord>();
  const messages: SlackMessageRecord[] = [];
  const files = new Map<string, SlackFileRecord>();
  const uploads = new Map<string, string>(); // upload id -> file id
  const postArrivals: number[] = [];
  const injected = new Map<string, ContractResponse>();
  const users = new Set<string>(Object.values(slackUsers));
  let tsCounter = 0;

  const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++tsCounter).padStart(6, '0')}`;
  const conversation = (channel: SlackChannelRecord) => ({
    id: channel.id,
    name: channel.name,
    name_normalized: channel.name,
    created: channel.created,
    creator: slackUsers.bot,
    is_channel: !channel.isPrivate,
    is_group: channel.isPrivate,
    is_im: false,
    is_mpim: false,
    is_private: channel.isPrivate,
    is_archived: channel.isArchived,
    is_general: false,
    is_shared: false,
    is_ext_shared: false,
    is_org_shared: false,
    is_pending_ext_shared: false,
    is_member: channel.members.has(slackUsers.bot),
    num_members: channel.members.size,
    topic: { value: '', creator: '', last_set: 0 },
    purpose: { value: '', creator: '', last_set: 0 },
    previous_names: [],
    pending_shared: [],
    unlinked: 0,
  });
  const seedChannel: SlackFake['seedChannel'] = (name, options = {}) => {
    const channel: SlackChannelRecord = {
      id: slackId('C'),
      name,
      isPrivate: options.isPrivate ?? false,
      isArchived: false,
      created: Math.floor(Date.now() / 1000),
      members: new Set([slackUsers.bot, ...(options.members ?? [])]),
    };
    channels.set(channel.id, channel);
    return channel;
  };

  /** Wraps a handler with what every Slack method does first: an injected answer, then the token. */
  const method =
    (
      operationId: string,
      handle: (args: Record<string, unknown>, request: ContractRequest) => ContractResponse,
    ) =>
    (request: ContractRequest): ContractResponse => {
      if (operationId === 'chat_postMessage') postArrivals.push(Date.now());
      const forced = injected.get(operationId);
      if (forced) {
        injected.delete(operationId);
        return forced;
      }
      const token = /^bearer\s+(\S+)/i.exec(request.headers.authorization ?? '')?.[1] ?? '';
      if (!token.startsWith(SLACK_TEST_TOKEN_PREFIX)) return refuse('invalid_auth');
      return handle(argsOf(request), request);
    };

  const openChannel = (id: unknown): SlackChannelRecord | ContractResponse => {
    const channel = typeof id === 'string' ? channels.get(id) : undefined;
    return channel ?? refuse('channel_not_found');
  };
  const isAnswer = (value: unknown): value is ContractResponse =>
    typeof value === 'object' && value !== null && 'status' in value;

  const handlers: Record<string, ContractHandler> = {
    auth_test: method('auth_test', () =>
      ok({
        url: 'https://somagent-contract.slack.com/',
        team: 'SomaGent contract workspace',
        user: 'somagent',
        team_id: 'T0CONTRACT1',
        user_id: slackUsers.bot,
        bot_id: 'B0SOMAGENT1',
      }),
    ),
    conversations_create: method('conversations_create', (args) => {
      const name = text(args.name) ?? '';
      if (name.length > 80) return refuse('invalid_name_maxlength');
      if (!/^[a-z0-9][a-z0-9_-]*$/.test(name)) return refuse('invalid_name_specials');
      // Archived channels keep their names reserved, as in Slack.
      if ([...channels.values()].some((channel) => channel.name === name)) return refuse('name_taken');
      const channel = seedChannel(name, { isPrivate: args.is_private === true });
      return ok({ channel: conversation(channel) });
    }),
    conversations_list: method('conversations_list', (args) => {
      const types = (text(args.types) ?? 'public_channel').split(',');
      const visible = [...channels.values()].filter(
        (channel) =>
          !(args.exclude_archived === true && channel.isArchived) &&
          ((types.includes('public_channel') && !channel.isPrivate) ||
            (types.includes('private_channel') && channel.isPrivate && channel.members.has(slackUsers.bot))),
      );
      const offset = args.cursor ? Number(Buffer.from(String(args.cursor), 'base64').toString()) : 0;
      const limit = Math.min(typeof args.limit === 'number' ? args.limit : 100, fake.pageSize);
      const page = visible.slice(offset, offset + limit);
      const next =
        offset + limit < visible.length ? Buffer.from(String(offset + limit)).toString('base64') : '';
      return ok({ channels: page.map(conversation), response_metadata: { next_cursor: next } });
    }),
    conversations_invite: method('conversations_invite', (args) => {
      const channel = openChannel(args.channel);
      if (isAnswer(channel)) return channel;
      if (channel.isArchived) return refuse('is_archived');
      const wanted = (text(args.users) ?? '').split(',').filter(Boolean);
      if (wanted.length === 0) return refuse('no_user');
      const unknown = wanted.find((user) => !users.has(user));
      if (unknown) return refuse('user_not_found');
      const members = wanted.filter((user) => channel.members.has(user));
      if (members.length > 0) {
        return refuse('already_in_channel', {
          errors: members.map((user) => ({ ok: false, error: 'already_in_channel', user })),
        });
      }
      for (const user of wanted) channel.members.add(user);
      return ok({ channel: conversation(channel) });
    }),
    conversations_archive: method('conversations_archive', (args) => {
      const channel = openChannel(args.channel);
      if (isAnswer(channel)) return channel;
      if (channel.isArchived) return refuse('already_archived');
      channel.isArchived = true;
      return ok();
    }),
    chat_postMessage: method('chat_postMessage', (args) => {
      const channel = openChannel(args.channel);
      if (isAnswer(channel)) return channel;
      if (channel.isArchived) return refuse('is_archived');
      const blocks = args.blocks ? (JSON.parse(String(args.blocks)) as unknown[]) : undefined;
      const messageText = text(args.text) ?? '';
      if (!messageText && !blocks) return refuse('no_text');
      const message: SlackMessageRecord = {
        channel: channel.id,
        ts: nextTs(),
        text: messageText,
        ...(blocks ? { blocks } : {}),
        ...(text(args.thread_ts) ? { threadTs: text(args.thread_ts) } : {}),
        edited: false,
      };
      messages.push(message);
      return ok({
        channel: channel.id,
        ts: message.ts,
        message: {
          type: 'message',
          text: message.text,
          ts: message.ts,
          user: slackUsers.bot,
          ...(blocks ? { blocks } : {}),
          ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
        },
      });
    }),
    chat_update: method('chat_update', (args) => {
      const channel = openChannel(args.channel);
      if (isAnswer(channel)) return channel;
      const message = messages.find((m) => m.channel === channel.id && m.ts === args.ts);
      if (!message) return refuse('message_not_found');
      if (args.text === undefined && args.blocks === undefined) return refuse('no_text');
      if (typeof args.text === 'string') message.text = args.text;
      if (args.blocks !== undefined) message.blocks = JSON.parse(String(args.blocks)) as unknown[];
      message.edited = true;
      // The spec types message.blocks as an object where Slack sends an array: the fake leaves it out.
      return ok({ channel: channel.id, ts: message.ts, text: message.text, message: { text: message.text } });
    }),
    chat_delete: method('chat_delete', (args) => {
      const channel = openChannel(args.channel);
      if (isAnswer(channel)) return channel;
      // The spec types chat.delete's ts as a number (Slack means the string), so the server hands over a number.
      const index = messages.findIndex((m) => m.channel === channel.id && Number(m.ts) === Number(args.ts));
      if (index < 0) return refuse('message_not_found');
      const [deleted] = messages.splice(index, 1);
      return ok({ channel: channel.id, ts: deleted?.ts ?? '' });
    }),
    files_getUploadURLExternal: method('files_getUploadURLExternal', (args, request) => {
      const file: SlackFileRecord = {
        id: slackId('F'),
        filename: text(args.filename) ?? '',
        title: text(args.filename) ?? '',
        length: Number(args.length),
      };
      files.set(file.id, file);
      const uploadId = randomBytes(12).toString('hex');
      uploads.set(uploadId, file.id);
      return ok({ upload_url: `http://${request.headers.host}/api/upload/v1/${uploadId}`, file_id: file.id });
    }),
    upload_file_bytes: (request) => {
      const file = files.get(uploads.get(String(request.params.upload_id)) ?? '');
      const sent = Object.values(request.files).flat()[0];
      if (!file || !sent)
        return { status: 404, body: 'unknown upload', headers: { 'content-type': 'text/plain' } };
      file.bytes = sent.data;
      return { status: 200, body: `OK - ${sent.data.length}`, headers: { 'content-type': 'text/plain' } };
    },
    files_completeUploadExternal: method('files_completeUploadExternal', (args) => {
      const wanted = JSON.parse(String(args.files)) as { id: string; title?: string }[];
      const channel = args.channel_id === undefined ? undefined : openChannel(args.channel_id);
      if (isAnswer(channel)) return channel;
      const done = [];
      for (const entry of wanted) {
        const file = files.get(entry.id);
        if (!file?.bytes || file.bytes.length !== file.length) return refuse('file_not_found');
        file.title = entry.title ?? file.title;
        if (channel) file.channel = channel.id;
        if (typeof args.initial_comment === 'string') file.initialComment = args.initial_comment;
        done.push({
          id: file.id,
          name: file.filename,
          title: file.title,
          mimetype: 'text/plain',
          filetype: 'text',
          pretty_type: 'Plain Text',
          size: file.length,
          created: Math.floor(Date.now() / 1000),
          timestamp: Math.floor(Date.now() / 1000),
          user: slackUsers.bot,
          mode: 'hosted',
          editable: false,
          is_external: false,
          is_public: channel ? !channel.isPrivate : false,
          channels: channel && !channel.isPrivate ? [channel.id] : [],
        });
      }
      return ok({ files: done });
    }),
    files_delete: method('files_delete', (args) => {
      if (!files.delete(String(args.file))) return refuse('file_not_found');
      return ok();
    }),
  };

  const fake: SlackFake = {
    handlers,
    channels,
    messages,
    files,
    postArrivals,
    pageSize: 100,
    answerNext: (operationId, response) => injected.set(operationId, response),
    seedChannel,
  };
  return fake;
}
