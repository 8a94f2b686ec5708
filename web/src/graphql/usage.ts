/**
 * How the screens use the operations in this folder: the page sizes they ask for, and for
 * every operation the variables of a typical call. The app reads its page sizes from here,
 * and the server's tests price every operation with these variables, so the cost model can
 * be calibrated on exactly what the app sends.
 */
export const PAGE_SIZES = {
  tasks: 20,
  chatSessions: 50,
  chatMessages: 50,
  processes: 50,
  executions: 20,
} as const;

const ID = 'VGFzazowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA=';

/** Variables of a typical call of each operation, by operation name. */
export const TYPICAL_VARIABLES: Record<string, Record<string, unknown>> = {
  Viewer: {},
  SignIn: { input: { username: 'sara', password: 'correct horse battery' } },
  Register: { input: { username: 'sara', password: 'correct horse battery', name: 'Sara', lastname: 'Rahimi', timeZone: 'Asia/Tehran' } },
  SignOut: {},
  SignOutEverywhere: {},
  UpdateProfile: { input: { name: 'Sara', lastname: 'Rahimi', timeZone: 'Asia/Tehran', calendar: 'JALALI' } },
  ChangePassword: { input: { currentPassword: 'correct horse battery', newPassword: 'battery staple horse' } },
  TaskList: {
    filter: { statuses: ['PENDING', 'IN_PROGRESS'], priorities: ['HIGH'], tagsAll: ['work'], search: 'report' },
    orderBy: [{ field: 'DUE_AT', direction: 'ASC' }],
    first: PAGE_SIZES.tasks,
    after: null,
  },
  TaskOverview: {},
  CreateTask: { input: { name: 'Write report', priority: 'HIGH', tags: ['work'], dueAtJalali: '1404-09-27T07:30' } },
  UpdateTask: { input: { id: ID, name: 'Write the report', description: 'Two pages', dueDate: '2025-12-18' } },
  CompleteTask: { id: ID },
  ReopenTask: { id: ID },
  DeleteTask: { id: ID },
  TaskChanges: {},
  ChatSessionList: { first: PAGE_SIZES.chatSessions },
  ChatConversation: { id: ID, last: PAGE_SIZES.chatMessages },
  StartChatSession: { input: {} },
  SendChatMessage: { input: { sessionId: ID, content: 'add buy milk tomorrow' } },
  RenameChatSession: { input: { id: ID, title: 'Groceries' } },
  DeleteChatSession: { id: ID },
  ChatMessages: { sessionId: ID },
  ChatReplies: { sessionId: ID },
  ProcessList: { first: PAGE_SIZES.processes },
  ExecutionList: { filter: null, first: PAGE_SIZES.executions, after: null },
  EnableProcess: { id: ID },
  DisableProcess: { id: ID },
  RunProcess: { id: ID },
  ExecutionUpdates: {},
};
