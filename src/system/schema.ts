import { Repeater } from 'graphql-yoga';
import { builder } from '../schema/builder.js';
import { VERSION } from './version.js';

interface ServerInfoShape {
  version: string;
  timeZone: string;
  now: Date;
}

const ServerInfo = builder.objectRef<ServerInfoShape>('ServerInfo').implement({
  description: 'Facts about this server that clients may need, such as the service time zone.',
  fields: (t) => ({
    version: t.exposeString('version', { description: 'The server version (semantic versioning).' }),
    timeZone: t.exposeString('timeZone', {
      description: 'The service time zone (IANA name): the default for new users and for calendar renderings.',
    }),
    now: t.expose('now', { type: 'DateTime', description: 'The server clock at the time of the request.' }),
  }),
});

builder.queryField('serverInfo', (t) =>
  t.field({
    type: ServerInfo,
    description: 'The server version, its time zone and its clock. Public: needs no session.',
    skipTypeScopes: true,
    resolve: (_root, _args, context) => ({ version: VERSION, timeZone: context.config.timeZone, now: new Date() }),
  }),
);

interface HeartbeatShape {
  sequence: number;
  at: Date;
}

const Heartbeat = builder.objectRef<HeartbeatShape>('Heartbeat').implement({
  description: 'A sign of life from the server on an open subscription connection.',
  fields: (t) => ({
    sequence: t.exposeInt('sequence', { description: 'How many heartbeats this subscription has received before this one.' }),
    at: t.expose('at', { type: 'DateTime', description: 'When the server sent it.' }),
  }),
});

builder.subscriptionField('heartbeat', (t) =>
  t.field({
    type: Heartbeat,
    description:
      'A heartbeat every `intervalSeconds`, starting at once: lets a client see that its live connection is alive. Public: needs no session.',
    skipTypeScopes: true,
    args: {
      intervalSeconds: t.arg.int({
        defaultValue: 30,
        description: 'Seconds between heartbeats, from 1 to 3600.',
      }),
    },
    subscribe: (_root, args) =>
      new Repeater<HeartbeatShape>(async (push, stop) => {
        const seconds = Math.min(3600, Math.max(1, args.intervalSeconds ?? 30));
        let sequence = 0;
        const beat = () => void push({ sequence: sequence++, at: new Date() });
        beat();
        const timer = setInterval(beat, seconds * 1000);
        await stop;
        clearInterval(timer);
      }),
    resolve: (event) => event,
  }),
);
