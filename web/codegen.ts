import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Types every operation of the app from the committed schema. The output (src/gql) is
 * generated at build time, never edited or committed, so it always matches schema.graphql.
 */
const config: CodegenConfig = {
  schema: '../schema.graphql',
  documents: ['src/graphql/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', JSON: 'unknown' },
        skipTypename: false,
      },
    },
  },
};

export default config;
