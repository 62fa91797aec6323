import type {
  ContractHandler,
  ContractRequest,
  ContractResponse,
} from '../../test/contract/contract-server.js';

/**
 * Test support: a small Discord (one bot, guilds, channels, threads, messages, webhooks) in memory
 * behind the contract server, which checks every request and answer against Discord's published
 * OpenAPI document. Errors carry Discord's JSON codes (10003 Unknown Channel, 50027 Invalid
 * Webhook Token, …); a message sent with `enforce_nonce` is created once per nonce, as Discord does.
 */

/** The bot token the fake accepts; any other is a 401. */
export const DISCORD_TEST_TOKEN = 'MTE0.contract.bot-token-for-tests';

export interface DiscordChannelRecord {
  id: string;
  type: number;
  name: string;
  guildId: string;
  parentId: string | null;
  topic: string | null;
  nsfw: boolean;
  ownerId?: string;
  autoArchive?: number;
}

export interface DiscordMessageRecord {
  body: Record<string, unknown>;
  nonce?: string;
}

export interface DiscordFake {
  handlers: Record<string, ContractHandler>;
  bot: { id: string; username: string };
  channels: Map<string, DiscordChannelRecord>;
  /** Messages by channel id, oldest first. */
  messages: Map<string, DiscordMessageRecord[]>;
  /** Every message ever created (deleted ones too): what a write costs, counted on the server. */
  created: number;
  /** Answers the next request of an operation with this response instead (a 429, an outage). */
  answerNext(operationId: string, response: ContractResponse): void;
  seedGuild(): string;
  seedChannel(guildId: string, name: string, type?: number): DiscordChannelRecord;
  seedWebhook(channelId: string, name?: string): { id: string; token: string };
}

const epoch = 1420070400000n;

export function createDiscordFake(): DiscordFake {
  let sequence = 0n;
  const snowflake = () => String(((BigInt(Date.now()) - epoch) << 22n) | (sequence++ & 0xfffn));
  const bot = { id: snowflake(), username: 'somagent' };
  const guilds = new Set<string>();
  const channels = new Map<string, DiscordChannelRecord>();
  const messages = new Map<string, DiscordMessageRecord[]>();
  const webhooks = new Map<string, { token: string; channelId: string; name: string }>();
  const pending = new Map<string, ContractResponse[]>();
  const fake = { created: 0 } as DiscordFake;

  const error = (status: number, code: number, message: string): ContractResponse => ({
    status,
    body: { code, message },
  });
  const unauthorized = error(401, 0, '401: Unauthorized');
  const unknownChannel = error(404, 10003, 'Unknown Channel');
  const user = (id: string, username: string) => ({
    id,
    username,
    avatar: null,
    discriminator: '0',
    public_flags: 0,
    flags: 0,
    bot: true,
    global_name: null,
    primary_guild: null,
  });
  const channelBody = (channel: DiscordChannelRecord) => {
    const common = {
      id: channel.id,
      type: channel.type,
      name: channel.name,
      guild_id: channel.guildId,
      parent_id: channel.parentId,
      flags: 0,
      last_message_id: messages.get(channel.id)?.at(-1)?.body.id ?? null,
      rate_limit_per_user: 0,
    };
    if (channel.type >= 10 && channel.type <= 12) {
      return {
        ...common,
        owner_id: channel.ownerId ?? bot.id,
        thread_metadata: {
          archived: false,
          archive_timestamp: null,
          auto_archive_duration: channel.autoArchive ?? 1440,
          locked: false,
          create_timestamp: new Date().toISOString(),
        },
        message_count: messages.get(channel.id)?.length ?? 0,
        member_count: 1,
        total_message_sent: messages.get(channel.id)?.length ?? 0,
      };
    }
    return { ...common, position: 0, topic: channel.topic, nsfw: channel.nsfw, permission_overwrites: [] };
  };
  const embedsOf = (embeds: unknown) =>
    (Array.isArray(embeds) ? (embeds as Record<string, unknown>[]) : []).map((embed) => ({
      type: 'rich',
      ...embed,
    }));
  const createMessage = (
    channelId: string,
    author: ReturnType<typeof user>,
    body: Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ) => {
    const record: DiscordMessageRecord = {
      body: {
        id: snowflake(),
        channel_id: channelId,
        type: 0,
        content: typeof body.content === 'string' ? body.content : '',
        author,
        mentions: [],
        mention_roles: [],
        attachments: [],
        embeds: embedsOf(body.embeds),
        components: [],
        timestamp: new Date().toISOString(),
        edited_timestamp: null,
        flags: 0,
        pinned: false,
        mention_everyone: false,
        tts: false,
        ...extra,
      },
      ...(typeof body.nonce === 'string' ? { nonce: body.nonce } : {}),
    };
    const list = messages.get(channelId) ?? [];
    list.push(record);
    messages.set(channelId, list);
    fake.created += 1;
    return record;
  };
  const empty = (body: Record<string, unknown>) =>
    (typeof body.content !== 'string' || body.content === '') && embedsOf(body.embeds).length === 0;

  /** Wraps a handler: a queued answer first, then the bot token check (unless the route needs none). */
  const route =
    (
      operationId: string,
      handler: (request: ContractRequest) => ContractResponse,
      needsBot = true,
    ): ContractHandler =>
    (request) => {
      const next = pending.get(operationId)?.shift();
      if (next) return next;
      if (needsBot && request.headers.authorization !== `Bot ${DISCORD_TEST_TOKEN}`) return unauthorized;
      return handler(request);
    };
  const bodyOf = (request: ContractRequest) => (request.body ?? {}) as Record<string, unknown>;
  const param = (request: ContractRequest, name: string) => String(request.params[name]);

  fake.handlers = {
    get_my_user: route('get_my_user', () => ({
      status: 200,
      body: { ...user(bot.id, bot.username), mfa_enabled: false, locale: 'en-US', verified: true },
    })),
    list_messages: route('list_messages', (request) => {
      const channelId = param(request, 'channel_id');
      if (!channels.has(channelId)) return unknownChannel;
      const limit = typeof request.query.limit === 'number' ? request.query.limit : 50;
      const newestFirst = [...(messages.get(channelId) ?? [])].reverse().slice(0, limit);
      return { status: 200, body: newestFirst.map((m) => m.body) };
    }),
    create_message: route('create_message', (request) => {
      const channelId = param(request, 'channel_id');
      if (!channels.has(channelId)) return unknownChannel;
      const body = bodyOf(request);
      if (empty(body)) return error(400, 50006, 'Cannot send an empty message');
      if (body.enforce_nonce === true && typeof body.nonce === 'string') {
        const earlier = messages.get(channelId)?.find((m) => m.nonce === body.nonce);
        if (earlier) return { status: 200, body: { ...earlier.body, nonce: earlier.nonce } };
      }
      const record = createMessage(channelId, user(bot.id, bot.username), body);
      return { status: 200, body: { ...record.body, ...(record.nonce ? { nonce: record.nonce } : {}) } };
    }),
    delete_message: route('delete_message', (request) => {
      const list = messages.get(param(request, 'channel_id'));
      if (!list) return unknownChannel;
      const index = list.findIndex((m) => m.body.id === param(request, 'message_id'));
      if (index < 0) return error(404, 10008, 'Unknown Message');
      list.splice(index, 1);
      return { status: 204 };
    }),
    execute_webhook: route(
      'execute_webhook',
      (request) => {
        const webhook = webhooks.get(param(request, 'webhook_id'));
        if (!webhook) return error(404, 10015, 'Unknown Webhook');
        if (webhook.token !== param(request, 'webhook_token'))
          return error(401, 50027, 'Invalid Webhook Token');
        const body = bodyOf(request);
        if (empty(body)) return error(400, 50006, 'Cannot send an empty message');
        const target =
          typeof request.query.thread_id === 'string' ? request.query.thread_id : webhook.channelId;
        if (!channels.has(target)) return unknownChannel;
        const name = typeof body.username === 'string' ? body.username : webhook.name;
        const webhookId = param(request, 'webhook_id');
        const record = createMessage(target, user(webhookId, name), body, { webhook_id: webhookId });
        return request.query.wait === true ? { status: 200, body: record.body } : { status: 204 };
      },
      false,
    ),
    create_guild_channel: route('create_guild_channel', (request) => {
      const guildId = param(request, 'guild_id');
      if (!guilds.has(guildId)) return error(404, 10004, 'Unknown Guild');
      const body = bodyOf(request);
      const parentId = typeof body.parent_id === 'string' ? body.parent_id : null;
      if (parentId && channels.get(parentId)?.type !== 4) {
        return error(400, 50035, 'Invalid Form Body: parent_id is not a category');
      }
      const channel: DiscordChannelRecord = {
        id: snowflake(),
        type: typeof body.type === 'number' ? body.type : 0,
        name: String(body.name),
        guildId,
        parentId,
        topic: typeof body.topic === 'string' ? body.topic : null,
        nsfw: body.nsfw === true,
      };
      channels.set(channel.id, channel);
      return { status: 201, body: channelBody(channel) };
    }),
    create_thread: route('create_thread', (request) => {
      const parent = channels.get(param(request, 'channel_id'));
      if (!parent) return unknownChannel;
      if (parent.type !== 0 && parent.type !== 5)
        return error(400, 50024, 'Cannot execute action on this channel type');
      const body = bodyOf(request);
      const thread = addThread(parent, snowflake(), body);
      return { status: 201, body: channelBody(thread) };
    }),
    create_thread_from_message: route('create_thread_from_message', (request) => {
      const parent = channels.get(param(request, 'channel_id'));
      if (!parent) return unknownChannel;
      const messageId = param(request, 'message_id');
      if (!messages.get(parent.id)?.some((m) => m.body.id === messageId))
        return error(404, 10008, 'Unknown Message');
      if (channels.has(messageId))
        return error(400, 160004, 'A thread has already been created for this message');
      // A thread started from a message takes the message's id.
      const thread = addThread(parent, messageId, { ...bodyOf(request), type: 11 });
      return { status: 201, body: channelBody(thread) };
    }),
    delete_channel: route('delete_channel', (request) => {
      const channel = channels.get(param(request, 'channel_id'));
      if (!channel) return unknownChannel;
      const answer = channelBody(channel);
      channels.delete(channel.id);
      messages.delete(channel.id);
      return { status: 200, body: answer };
    }),
  };

  function addThread(
    parent: DiscordChannelRecord,
    id: string,
    body: Record<string, unknown>,
  ): DiscordChannelRecord {
    const thread: DiscordChannelRecord = {
      id,
      type: typeof body.type === 'number' ? body.type : 12,
      name: String(body.name),
      guildId: parent.guildId,
      parentId: parent.id,
      topic: null,
      nsfw: false,
      ownerId: bot.id,
      autoArchive: typeof body.auto_archive_duration === 'number' ? body.auto_archive_duration : 1440,
    };
    channels.set(thread.id, thread);
    return thread;
  }

  return Object.assign(fake, {
    bot,
    channels,
    messages,
    answerNext(operationId: string, response: ContractResponse) {
      pending.set(operationId, [...(pending.get(operationId) ?? []), response]);
    },
    seedGuild() {
      const id = snowflake();
      guilds.add(id);
      return id;
    },
    seedChannel(guildId: string, name: string, type = 0) {
      const channel: DiscordChannelRecord = {
        id: snowflake(),
        type,
        name,
        guildId,
        parentId: null,
        topic: null,
        nsfw: false,
      };
      channels.set(channel.id, channel);
      return channel;
    },
    seedWebhook(channelId: string, name = 'Deploys') {
      const webhook = { id: snowflake(), token: `wh-${snowflake()}-secret`, channelId, name };
      webhooks.set(webhook.id, webhook);
      return { id: webhook.id, token: webhook.token };
    },
  });
}
