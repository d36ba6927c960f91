import type { CodegenConfig } from '@graphql-codegen/cli'

// Types and typed documents are generated from the exported schema and the operations in
// src/api/operations.ts. `npm run codegen:check` fails when src/gql/ is stale.
const config: CodegenConfig = {
  schema: '../schema/schema.graphql',
  documents: ['src/api/operations.ts'],
  ignoreNoDocuments: false,
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        onlyOperationTypes: true,
        scalars: { DateTime: 'string' },
      },
    },
  },
}
export default config
