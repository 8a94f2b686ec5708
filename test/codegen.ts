import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Types every document the tests write with `graphql()` from the committed schema, as the web
 * app does. The output (test/gql) is generated at install (`npm run codegen:test` again after
 * editing a document), never edited or committed, so it always matches schema.graphql. A document
 * the schema refuses fails the install; `npx graphql-codegen --config test/codegen.ts` says which.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['test/**/*.ts', '!test/gql/**'],
  ignoreNoDocuments: false,
  emitLegacyCommonJSImports: false,
  generates: {
    'test/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        documentMode: 'string',
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', JSON: 'unknown' },
        skipTypename: false,
      },
    },
  },
};

export default config;
