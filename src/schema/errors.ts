// Where the domain's errors become GraphQL errors: the one translation of BehflowError (src/errors.ts)
// into `extensions` (`code`, `field`, `retryAfterSeconds`, and HTTP 503 for SERVICE_UNAVAILABLE).
import { getNamedType, GraphQLError, isInputObjectType, isObjectType, Kind, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';
import { BehflowError, ErrorCode } from '../errors.js';

const argumentPaths = new WeakMap<GraphQLSchema, Map<string, string | null>>();

/**
 * The domain names the field of what it was given (`name`, `processConfig.retries`); a client
 * reads it as the path in its arguments (`input.name`, `filter.tagsAny`). The path is found
 * from the schema field whose resolver failed: one of its arguments, or a field of one of its
 * input-object arguments.
 */
function argumentPath(schema: GraphQLSchema, schemaField: string, field: string): string | null {
  let cache = argumentPaths.get(schema);
  if (!cache) argumentPaths.set(schema, (cache = new Map()));
  const key = `${schemaField} ${field}`;
  const known = cache.get(key);
  if (known !== undefined) return known;
  const head = field.split(/[.[]/, 1)[0]!;
  let path: string | null = null;
  search: for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const definition = type.getFields()[schemaField];
    if (!definition) continue;
    if (definition.args.some((arg) => arg.name === head)) {
      path = field;
      break;
    }
    for (const arg of definition.args) {
      const input = getNamedType(arg.type);
      if (isInputObjectType(input) && input.getFields()[head]) {
        path = `${arg.name}.${field}`;
        break search;
      }
    }
  }
  cache.set(key, path);
  return path;
}

/** The argument path of `field` for the nearest of `schemaFields` that takes it; `field` itself when none does. */
function argumentPathAmong(schema: GraphQLSchema, schemaFields: readonly string[], field: string): string {
  for (const schemaField of schemaFields) {
    const path = argumentPath(schema, schemaField, field);
    if (path !== null) return path;
  }
  return field;
}

/** What graphql-js and graphql-jit errors have in common: where an error arose. */
interface ErrorPlace {
  readonly nodes?: GraphQLError['nodes'];
  readonly source?: GraphQLError['source'];
  readonly positions?: GraphQLError['positions'];
  readonly locations?: GraphQLError['locations'];
  readonly path?: GraphQLError['path'];
}

/**
 * The schema fields the failure may concern, nearest first: the field whose resolver failed
 * (its document node, else its response key), then those above it (a connection's
 * `totalCount` fails on its list's arguments).
 */
function failedFields(at: ErrorPlace): string[] {
  const node = at.nodes?.[0];
  const keys = (at.path ?? []).filter((segment): segment is string => typeof segment === 'string').reverse();
  return node?.kind === Kind.FIELD ? [node.name.value, ...keys] : keys;
}

/**
 * `error` as a GraphQL error; with `at` (the error the executor made of it), at that place in
 * the document and the response, its field named as the client's argument path.
 */
export function toGraphQLError(error: BehflowError, at?: ErrorPlace, schema?: GraphQLSchema): GraphQLError {
  const http = error.code === ErrorCode.ServiceUnavailable ? { http: { status: 503 } } : {};
  const field = error.field !== undefined && at && schema ? { field: argumentPathAmong(schema, failedFields(at), error.field) } : {};
  const converted = new GraphQLError(error.message, {
    nodes: at?.nodes,
    source: at?.source,
    positions: at?.positions,
    path: at?.path,
    extensions: { ...error.details, ...field, ...http, code: error.code },
  });
  // graphql-jit's errors carry locations without nodes.
  if (!converted.locations && at?.locations) Object.defineProperty(converted, 'locations', { value: at.locations, enumerable: true });
  return converted;
}

/**
 * A thrown value as the API reports it, when it is an expected failure: a BehflowError
 * (thrown, or wrapped by the executor with its place), or an error of GraphQL itself (syntax,
 * validation). Null for anything else, which is a bug and is masked.
 */
export function expectedGraphQLError(error: unknown, schema?: GraphQLSchema): GraphQLError | null {
  if (error instanceof BehflowError) return toGraphQLError(error);
  if (!(error instanceof Error) || error.name !== 'GraphQLError') return null;
  const original = (error as { originalError?: unknown }).originalError;
  if (original instanceof BehflowError) return toGraphQLError(original, error as ErrorPlace, schema);
  if (original === undefined || original === null) return error instanceof GraphQLError ? error : null;
  // Wrapped more than once (a stream's error, a plugin's).
  return original instanceof Error && original.name === 'GraphQLError' ? expectedGraphQLError(original, schema) : null;
}

/** Replaces the expected failures among a result's errors by their GraphQL form. */
function convertErrors(result: ExecutionResult, setResult: (result: ExecutionResult) => void, schema: GraphQLSchema) {
  if (!result.errors?.length) return;
  let changed = false;
  const errors = result.errors.map((error) => {
    const expected = expectedGraphQLError(error, schema);
    if (!expected || expected === error) return error;
    changed = true;
    return expected;
  });
  if (changed) setResult({ ...result, errors });
}

/**
 * Every result's expected failures become GraphQL errors here, before error masking sees them
 * (anything left with an original error is then a bug, masked and logged): queries, mutations
 * and each event of a subscription, over every transport.
 */
export function useDomainErrors(): Plugin {
  return {
    onExecute: ({ args }) => ({
      onExecuteDone: (payload) =>
        handleStreamOrSingleExecutionResult(payload, ({ result, setResult }) => convertErrors(result, setResult, args.schema)),
    }),
    onSubscribe: ({ args }) => ({
      onSubscribeResult: (payload) =>
        handleStreamOrSingleExecutionResult(payload, ({ result, setResult }) => convertErrors(result, setResult, args.schema)),
    }),
  };
}
