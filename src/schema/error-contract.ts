// The shape of every error a client can see, on every transport: an `extensions.code` from
// the documented list, a message that quotes at most a short excerpt of what the client sent,
// and (in production) no "Did you mean …?" naming types and fields it did not ask about.
import { GraphQLError, Kind, NoSchemaIntrospectionCustomRule, type ExecutionResult } from 'graphql';
import { handleStreamOrSingleExecutionResult } from '@envelop/core';
import type { Plugin } from 'graphql-yoga';
import { ErrorCode } from '../errors.js';

/** Codes for requests refused before any operation runs (the GraphQL-over-HTTP layer's own). */
export const RequestErrorCode = {
  /** The request is not a GraphQL request this server takes: bad JSON, missing query, GET without a CSRF header… */
  BadRequest: 'BAD_REQUEST',
  /** The document does not parse. */
  ParseFailed: 'GRAPHQL_PARSE_FAILED',
  /** The document does not validate against the schema. */
  ValidationFailed: 'GRAPHQL_VALIDATION_FAILED',
  /** A request body over the limit (HTTP 413). */
  RequestTooLarge: 'REQUEST_TOO_LARGE',
  /** Masked unexpected failure. */
  Internal: 'INTERNAL_SERVER_ERROR',
} as const;

/** Quoted client text longer than this is cut to this many characters and an ellipsis. */
export const MAX_QUOTED_CHARACTERS = 40;
/** No message is longer than this. */
export const MAX_MESSAGE_CHARACTERS = 300;

const CSRF_MESSAGE = 'Required CSRF header(s) not present';

/** Cuts every quoted run of client text in `message` to a short excerpt, and the whole to a bounded length. */
export function excerpted(message: string): string {
  const cut = message
    // Unquoted echoes too (an object graphql-js prints, a cursor after "Invalid cursor:"): no
    // word of the server's own messages is this long.
    .replace(new RegExp(`[^\\s"]{${MAX_QUOTED_CHARACTERS + 1},}`, 'g'), (word) => `${word.slice(0, MAX_QUOTED_CHARACTERS)}…`)
    .replace(/"((?:[^"\\]|\\.)*)"/g, (quoted, inner: string) =>
      inner.length > MAX_QUOTED_CHARACTERS ? `"${inner.slice(0, MAX_QUOTED_CHARACTERS)}…"` : quoted,
    );
  return cut.length > MAX_MESSAGE_CHARACTERS ? `${cut.slice(0, MAX_MESSAGE_CHARACTERS - 1)}…` : cut;
}

function codeFor(error: GraphQLError, fallback: string): string {
  const code = error.extensions?.code;
  if (typeof code === 'string') return code;
  // graphql-js reports variables it cannot coerce without a code.
  if (error.message.startsWith('Variable "$')) return ErrorCode.BadUserInput;
  return fallback;
}

/**
 * The Pothos plugins' own refusals of a client's cursor or global ID (not the ones the schema
 * checks itself), which quote the value and carry no code: said as the schema says them.
 */
function pothosRefusal(error: GraphQLError): { message: string; field?: string } | null {
  const cause = error.originalError;
  if (cause?.name !== 'PothosValidationError') return null;
  const field = error.nodes?.[0]?.kind === Kind.FIELD ? error.nodes[0].arguments?.map((argument) => argument.name.value) : undefined;
  if (/cursor/i.test(cause.message)) {
    return {
      message: 'This cursor was not handed out by this list: page with the cursors it returns.',
      field: field?.find((name) => name === 'after' || name === 'before'),
    };
  }
  if (/global ID|is not of type/i.test(cause.message))
    return { message: 'This is not an ID this API handed out.', field: field?.find((name) => /ids?$/i.test(name)) };
  return { message: excerpted(cause.message) };
}

/** `error` within the contract; the same object when it already is. */
export function withinContract(
  error: GraphQLError,
  options: { suggestions: boolean },
  fallbackCode: string = RequestErrorCode.BadRequest,
): GraphQLError {
  let message =
    error.message === CSRF_MESSAGE
      ? 'This request could come from another site and is refused: send a POST with Content-Type application/json, or an Authorization or X-GraphQL-Yoga-CSRF header.'
      : excerpted(error.message);
  if (!options.suggestions) message = message.replace(/\s*Did you mean [^?]*\?/g, '');
  const refusal = pothosRefusal(error);
  if (refusal) {
    return new GraphQLError(refusal.message, {
      nodes: error.nodes,
      path: error.path,
      extensions: { ...(refusal.field ? { field: refusal.field } : {}), code: ErrorCode.BadUserInput },
    });
  }
  const code = codeFor(error, fallbackCode);
  const { originalError: internal, ...extensions } = (error.extensions ?? {}) as Record<string, unknown>;
  // Yoga quotes the JSON parser, body fragment included; its name alone still tells Yoga the
  // request itself was bad (HTTP 400).
  const cause =
    internal && typeof internal === 'object' && 'message' in internal
      ? { originalError: { name: String((internal as { name?: unknown }).name ?? 'Error') } }
      : internal
        ? { originalError: internal }
        : {};
  if (message === error.message && code === error.extensions?.code && !(internal && typeof internal === 'object' && 'message' in internal))
    return error;
  return new GraphQLError(message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...extensions, ...cause, code },
  });
}

/** Whether any top-level field of `data` has a value: then a 503 would hide what succeeded. */
function somethingSucceeded(result: ExecutionResult): boolean {
  return result.data != null && Object.values(result.data).some((value) => value !== null);
}

/** `result` with every error within the contract; SERVICE_UNAVAILABLE asks for HTTP 503 only when nothing succeeded. */
export function resultWithinContract<R extends ExecutionResult>(result: R, options: { suggestions: boolean }): R {
  if (!result.errors?.length) return result;
  const partial = somethingSucceeded(result);
  const errors = result.errors.map((error) => {
    const contracted = withinContract(error, options);
    if (!partial || contracted.extensions.code !== ErrorCode.ServiceUnavailable || !contracted.extensions.http) return contracted;
    const { http: _status, ...extensions } = contracted.extensions;
    return new GraphQLError(contracted.message, {
      nodes: contracted.nodes,
      path: contracted.path,
      originalError: contracted.originalError,
      extensions,
    });
  });
  return { ...result, errors };
}

/**
 * Applies the contract to every result (queries, mutations, subscription events, and the
 * refusals of requests that never reach execution), and, when `introspection` is off, refuses
 * `__schema` and `__type` in validation: that runs on both transports (graphql-ws operations
 * are validated through the same envelop).
 */
export function useErrorContract(options: { introspection: boolean }): Plugin {
  const contract = { suggestions: options.introspection };
  const mapResult = ({ result, setResult }: { result: ExecutionResult; setResult: (result: ExecutionResult) => void }) => {
    const mapped = resultWithinContract(result, contract);
    if (mapped !== result) setResult(mapped);
  };
  return {
    onValidate({ addValidationRule }) {
      if (!options.introspection) addValidationRule(NoSchemaIntrospectionCustomRule);
      return ({ result, setResult: replace }) => {
        const mapped = result.map((error) => withinContract(error, contract, RequestErrorCode.ValidationFailed));
        if (mapped.some((error, index) => error !== result[index])) replace(mapped);
      };
    },
    onExecute() {
      return { onExecuteDone: (payload) => handleStreamOrSingleExecutionResult(payload, mapResult) };
    },
    onSubscribe() {
      return { onSubscribeResult: (payload) => handleStreamOrSingleExecutionResult(payload, mapResult) };
    },
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result)) {
        setResult(result.map((entry) => resultWithinContract(entry as ExecutionResult, contract)));
      } else if (result && typeof result === 'object' && 'errors' in result) {
        setResult(resultWithinContract(result as ExecutionResult, contract));
      }
    },
  };
}
