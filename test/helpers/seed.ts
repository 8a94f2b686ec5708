import { randomBytes } from 'node:crypto';
import { hashSessionToken, newSessionToken } from '../../src/auth/tokens.js';
import type { ChatMessage, ChatSession, Prisma, PrismaClient, Task, User } from '../../src/db/prisma.js';

/**
 * Test data written straight to the database, read as a sentence:
 *
 *     const alice = await seed(server).user().inZone('Asia/Tehran').withTasks(3, { status: 'completed' }).create();
 *     await server.data(QUERY, { token: alice.token });
 *
 * Every user gets a unique username, so tests in a file (and files side by side) never collide
 * and nothing needs wiping. Seeds skip the API's rules on purpose (a past due date, a lease held
 * by nobody); tests of those rules go through the API.
 */
export function seed(target: { readonly prisma: PrismaClient }): Seeds {
  const { prisma } = target;
  return {
    user: () => new UserSeed(prisma),
    session: (userId, options = {}) => createSession(prisma, userId, options.ttlMs),
  };
}

export interface Seeds {
  /** A user with one signed-in session; chain what else it has, then `create()`. */
  user(): UserSeed;
  /** Another signed-in session for an existing user. */
  session(userId: string, options?: { ttlMs?: number }): Promise<SeededSession>;
}

export interface SeededSession {
  /** A valid bearer token for the session. */
  readonly token: string;
  readonly sessionId: string;
}

export interface SeededUser extends SeededSession {
  readonly user: User;
  /** The tasks of `withTasks`, in the order they were asked for. */
  readonly tasks: Task[];
  /** The chat sessions of `withChatSession`, in order, each with its messages. */
  readonly chatSessions: Array<ChatSession & { messages: ChatMessage[] }>;
  /** Signs the user in once more. */
  newSession(options?: { ttlMs?: number }): Promise<SeededSession>;
}

/** A task's columns (the owner is the seeded user); `name` defaults to `task <n>`. */
export type TaskSeed = Partial<Omit<Prisma.TaskCreateManyInput, 'userId'>>;

/** A chat session's columns and its messages, oldest first. */
export interface ChatSessionSeed extends Partial<Omit<Prisma.ChatSessionCreateManyInput, 'userId'>> {
  readonly messages?: ReadonlyArray<Omit<Prisma.ChatMessageCreateManyInput, 'sessionId'>>;
}

/** Written when a seed does not say: the API computes the column, no test here reads a seeded one. */
const PLACEHOLDER_JALALI = '1404-01-01T00:00:00';

export class UserSeed {
  #username: string | undefined;
  #role: 'user' | 'admin' = 'user';
  #timeZone: string | null = null;
  #isActive = true;
  #passwordHash = '!seeded-without-password';
  #sessionTtlMs = 86_400_000;
  #tasks: TaskSeed[] = [];
  #chatSessions: ChatSessionSeed[] = [];

  constructor(private readonly prisma: PrismaClient) {}

  /** A chosen username instead of a unique one. */
  named(username: string): this {
    this.#username = username;
    return this;
  }

  admin(): this {
    this.#role = 'admin';
    return this;
  }

  /** The user's own IANA time zone; `null` (the default) follows the service's. */
  inZone(timeZone: string | null): this {
    this.#timeZone = timeZone;
    return this;
  }

  /** A deactivated account (its session exists but must not work). */
  inactive(): this {
    this.#isActive = false;
    return this;
  }

  /** Stored as is; users that must sign in with a password register through the API instead. */
  withPasswordHash(passwordHash: string): this {
    this.#passwordHash = passwordHash;
    return this;
  }

  /** How long the seeded session lasts from now (one day by default). */
  sessionLasting(ttlMs: number): this {
    this.#sessionTtlMs = ttlMs;
    return this;
  }

  /** `count` tasks, each with `fields` (or `fields(index)`). */
  withTasks(count: number, fields: TaskSeed | ((index: number) => TaskSeed) = {}): this {
    for (let index = 0; index < count; index += 1) this.#tasks.push(typeof fields === 'function' ? fields(index) : fields);
    return this;
  }

  /** One task with `fields`. */
  withTask(fields: TaskSeed = {}): this {
    return this.withTasks(1, fields);
  }

  /** A chat session with `fields` and, optionally, its messages. */
  withChatSession(fields: ChatSessionSeed = {}): this {
    this.#chatSessions.push(fields);
    return this;
  }

  async create(): Promise<SeededUser> {
    const { prisma } = this;
    const username = this.#username ?? uniqueName();
    const user = await prisma.user.create({
      data: {
        username,
        passwordHash: this.#passwordHash,
        name: 'Test',
        lastname: username,
        role: this.#role,
        timeZone: this.#timeZone,
        isActive: this.#isActive,
      },
    });
    const session = await createSession(prisma, user.id, this.#sessionTtlMs);
    // One INSERT … RETURNING: PostgreSQL returns the rows in the order of its VALUES.
    const tasks = this.#tasks.length
      ? await prisma.task.createManyAndReturn({
          data: this.#tasks.map((fields, index) => ({
            name: `task ${index + 1}`,
            dateAddedJalali: PLACEHOLDER_JALALI,
            ...fields,
            userId: user.id,
          })),
        })
      : [];
    const chatSessions: SeededUser['chatSessions'] = [];
    for (const { messages = [], ...fields } of this.#chatSessions) {
      const chatSession = await prisma.chatSession.create({ data: { ...fields, userId: user.id } });
      const rows = messages.length
        ? await prisma.chatMessage.createManyAndReturn({ data: messages.map((message) => ({ ...message, sessionId: chatSession.id })) })
        : [];
      chatSessions.push({ ...chatSession, messages: rows });
    }
    return {
      user,
      ...session,
      tasks,
      chatSessions,
      newSession: (options = {}) => createSession(prisma, user.id, options.ttlMs),
    };
  }
}

/** Unique per call, so concurrent tests never collide on usernames (or process names). */
export function uniqueName(prefix = 'user'): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

async function createSession(prisma: PrismaClient, userId: string, ttlMs = 86_400_000): Promise<SeededSession> {
  const token = newSessionToken();
  const session = await prisma.authSession.create({
    data: { userId, tokenHash: hashSessionToken(token), expiresAt: new Date(Date.now() + ttlMs) },
  });
  return { token, sessionId: session.id };
}
