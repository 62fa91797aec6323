import path from 'node:path';
import { packageRoot } from '../../core/paths.js';
import {
  startContractServer,
  type ContractRequest,
  type ContractResponse,
  type ContractServer,
} from './contract-server.js';

/**
 * SomaGent's own description of OpenAI's chat completions API (written from OpenAI's API
 * reference; no published file could be loaded here), which the LLM planner speaks.
 */
export const chatCompletionsSpec = path.join(
  packageRoot,
  'capsules',
  'planner',
  'openai-chat-completions.openapi.json',
);

/** A chat completion whose message says `content`, shaped as the API answers it. */
export function completion(
  content: string,
  extra: { finish_reason?: string; refusal?: string } = {},
): ContractResponse {
  return {
    status: 200,
    body: {
      id: 'chatcmpl-test',
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: 'test-model',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content, refusal: extra.refusal ?? null },
          finish_reason: extra.finish_reason ?? 'stop',
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: 1200, completion_tokens: 80, total_tokens: 1280 },
    },
  };
}

/** A contract server for chat completions whose "model" answers from a script, in order. */
export interface ChatCompletionsServer extends ContractServer {
  /** The next answers: message content, or a whole response (an error, a cut-off answer). */
  script: (string | ContractResponse)[];
}

/**
 * Starts the contract server: every request and answer is checked against the description above;
 * a request without `Bearer <key>` gets OpenAI's 401; what the model says comes from `script`.
 */
export async function startChatCompletionsServer(key: string): Promise<ChatCompletionsServer> {
  const script: (string | ContractResponse)[] = [];
  const server = await startContractServer({
    spec: chatCompletionsSpec,
    handlers: {
      createChatCompletion: (request: ContractRequest) => {
        if (request.headers.authorization !== `Bearer ${key}`) {
          return {
            status: 401,
            body: {
              error: {
                type: 'invalid_request_error',
                message: 'Incorrect API key provided',
                param: null,
                code: 'invalid_api_key',
              },
            },
          };
        }
        const next = script.shift();
        if (next === undefined) throw new Error('the test gave the model no answer');
        return typeof next === 'string' ? completion(next) : next;
      },
    },
  });
  return Object.assign(server, { script });
}
