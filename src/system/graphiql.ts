/**
 * The document GraphiQL opens with (until the person's own tabs are stored in the browser):
 * how to sign in and where the token goes, then a query to run with it. Kept valid against the
 * schema by test/system/clients.test.ts.
 */
export const GRAPHIQL_DEFAULT_QUERY = `# Welcome to the Behflow GraphQL API.
#
# 1. Sign in: put your username and password into SignIn below and run it
#    (the ▶ button, then pick SignIn). Copy the \`token\` from the result.
# 2. Open "Headers" below the editor and put in
#      {"authorization": "Bearer <the token>"}
#    It is sent with every query and mutation, and with every subscription
#    (over WebSocket) you run from here.
# 3. Run Me or MyTasks. The Docs panel (top left) describes every type,
#    field and argument. No account yet? Use \`register\` instead of \`login\`.

mutation SignIn {
  login(input: { username: "your-username", password: "your-password" }) {
    token
    user { username name }
  }
}

query Me {
  me { username name timeZone calendar }
}

query MyTasks {
  tasks(first: 10, orderBy: [{ field: DUE_AT, direction: ASC }]) {
    totalCount
    nodes { name status priority dueAt dueAtJalali tags }
  }
}

subscription TaskChanges {
  taskEvents { type task { name status } }
}
`;
