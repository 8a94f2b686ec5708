// A plain graphql-ws server, the yardstick for subscription fan-out: graphql-js with a small
// schema of the same shape, an in-memory pub/sub, and a `createTask` mutation over HTTP that
// publishes the new task to every subscriber. No database, no session, no plugins.
//   PORT=0 node --import tsx bench/compare/plain-ws-server.ts     (prints `listening <port>`)
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, execute, parse, subscribe, validate } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { createPubSub } from 'graphql-yoga';
import { WebSocketServer } from 'ws';

const schema = buildSchema(`
  type Task { id: ID! name: String! status: String! updatedAt: String! }
  type TaskEvent { type: String! taskId: ID! task: Task }
  type CreateTaskPayload { task: Task! }
  input CreateTaskInput { name: String! }
  type Query { hello: String }
  type Mutation { createTask(input: CreateTaskInput!): CreateTaskPayload }
  type Subscription { taskEvents: TaskEvent }
`);
// Each event is the root value its selection runs on, so it carries the field's value under its name.
const pubsub = createPubSub<{ 'task:changed': [event: { taskEvents: { type: string; taskId: string; task: Record<string, string> } }] }>();
const rootValue = {
  createTask: ({ input }: { input: { name: string } }) => {
    const task = { id: randomUUID(), name: input.name, status: 'PENDING', updatedAt: new Date().toISOString() };
    pubsub.publish('task:changed', { taskEvents: { type: 'CREATED', taskId: task.id, task } });
    return { task };
  },
  taskEvents: () => pubsub.subscribe('task:changed'),
};
const subscriptionRoot = { taskEvents: rootValue.taskEvents };

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', async () => {
    const body = JSON.parse(Buffer.concat(chunks).toString()) as { query: string; variables?: Record<string, unknown> };
    const result = await execute({ schema, document: parse(body.query), rootValue, variableValues: body.variables });
    const json = JSON.stringify(result);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
    res.end(json);
  });
});
const wss = new WebSocketServer({ server, path: '/graphql' });
useServer(
  {
    schema,
    roots: { subscription: subscriptionRoot as never },
    execute,
    subscribe,
    onSubscribe: (_ctx, _id, params) => {
      const document = parse(params.query);
      const errors = validate(schema, document);
      if (errors.length > 0) return errors;
      return { schema, document, variableValues: params.variables, rootValue: subscriptionRoot };
    },
  },
  wss,
);
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () =>
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`),
);
process.on('SIGTERM', () => process.exit(0));
