import { graphql } from '../../test/contract/graphql-contract-server.js';

const { GraphQLScalarType, valueFromASTUntyped } = graphql;

const isoDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const isoDate = /^\d{4}-\d{2}-\d{2}$/;
const isoDuration = /^-?P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// What Linear's descriptions say its date inputs take besides ISO 8601: a year (`2021`) or a duration.
const dateShortcut = (value: string) => /^\d{4}(-\d{2})?$/.test(value) || isoDuration.test(value);

const isString = (value: unknown): value is string => typeof value === 'string';
const isObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A scalar that checks what it lets through in both directions: an answer of the fake that the
 * SDL's description rules out fails to serialize (and the server records a violation); an input
 * that it rules out is a variable error.
 */
function checkedScalar(
  name: string,
  rule: string,
  checks: { output(value: unknown): boolean; input(value: unknown): boolean },
  toOutput: (value: unknown) => unknown = (value) => value,
): InstanceType<typeof GraphQLScalarType> {
  const fail = (value: unknown): never => {
    throw new TypeError(`${name} cannot represent ${JSON.stringify(value)}: ${rule}`);
  };
  return new GraphQLScalarType({
    name,
    serialize: (value) => {
      const output = toOutput(value);
      return checks.output(output) ? output : fail(value);
    },
    parseValue: (value) => (checks.input(value) ? value : fail(value)),
    parseLiteral: (ast) => {
      const value = valueFromASTUntyped(ast);
      return checks.input(value) ? value : fail(value);
    },
  });
}

const dateToIso = (value: unknown) => (value instanceof Date ? value.toISOString() : value);
const dateToDay = (value: unknown) => (value instanceof Date ? value.toISOString().slice(0, 10) : value);
const anyString = { output: isString, input: isString };

/** Every custom scalar of Linear's SDL, each as strict as its description. */
export const linearScalars = {
  DateTime: checkedScalar(
    'DateTime',
    'an ISO 8601 date-time (inputs may also be a year or an ISO 8601 duration)',
    {
      output: (value) => isString(value) && isoDateTime.test(value),
      input: (value) =>
        isString(value) && (isoDateTime.test(value) || isoDate.test(value) || dateShortcut(value)),
    },
    dateToIso,
  ),
  DateTimeOrDuration: checkedScalar(
    'DateTimeOrDuration',
    'an ISO 8601 date-time or duration',
    {
      output: (value) => isString(value) && (isoDateTime.test(value) || isoDuration.test(value)),
      input: (value) =>
        isString(value) && (isoDateTime.test(value) || isoDate.test(value) || dateShortcut(value)),
    },
    dateToIso,
  ),
  TimelessDate: checkedScalar(
    'TimelessDate',
    'an ISO 8601 date (inputs may also be a year or an ISO 8601 duration)',
    {
      output: (value) => isString(value) && isoDate.test(value),
      input: (value) => isString(value) && (isoDate.test(value) || dateShortcut(value)),
    },
    dateToDay,
  ),
  TimelessDateOrDuration: checkedScalar(
    'TimelessDateOrDuration',
    'an ISO 8601 date or duration',
    {
      output: (value) => isString(value) && (isoDate.test(value) || isoDuration.test(value)),
      input: (value) => isString(value) && (isoDate.test(value) || dateShortcut(value)),
    },
    dateToDay,
  ),
  Duration: checkedScalar('Duration', 'an ISO 8601 duration or a whole number of milliseconds', {
    output: (value) => isString(value) && isoDuration.test(value),
    input: (value) => (isString(value) && isoDuration.test(value)) || Number.isInteger(value),
  }),
  UUID: checkedScalar('UUID', 'an RFC 4122 UUID', {
    output: (value) => isString(value) && uuid.test(value),
    input: (value) => isString(value) && uuid.test(value),
  }),
  JSON: checkedScalar('JSON', 'a JSON value', {
    output: (value) => value !== undefined,
    input: (value) => value !== undefined,
  }),
  JSONObject: checkedScalar('JSONObject', 'a JSON object', { output: isObject, input: isObject }),
  // Notification type names (e.g. issueAssignedToYou), strings on the wire.
  IssueAssignedToYouNotificationType: checkedScalar(
    'IssueAssignedToYouNotificationType',
    'a string',
    anyString,
  ),
  IssueCommentMentionNotificationType: checkedScalar(
    'IssueCommentMentionNotificationType',
    'a string',
    anyString,
  ),
  IssueCommentReactionNotificationType: checkedScalar(
    'IssueCommentReactionNotificationType',
    'a string',
    anyString,
  ),
  IssueEmojiReactionNotificationType: checkedScalar(
    'IssueEmojiReactionNotificationType',
    'a string',
    anyString,
  ),
  IssueMentionNotificationType: checkedScalar('IssueMentionNotificationType', 'a string', anyString),
  IssueNewCommentNotificationType: checkedScalar('IssueNewCommentNotificationType', 'a string', anyString),
  IssueStatusChangedNotificationType: checkedScalar(
    'IssueStatusChangedNotificationType',
    'a string',
    anyString,
  ),
  IssueUnassignedFromYouNotificationType: checkedScalar(
    'IssueUnassignedFromYouNotificationType',
    'a string',
    anyString,
  ),
};
