// Type-checked ESLint for the whole repo, plus the architecture rules of
// STYLE.md enforced by the linter rather than by memory.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/** Imports a domain folder may never make: frameworks, I/O, other layers. */
const domainForbiddenImports = {
  patterns: [
    {
      group: [
        '@nestjs/*',
        'fastify',
        '@fastify/*',
        'class-validator',
        'class-transformer',
        'rxjs',
        'rxjs/*',
      ],
      message: 'domain/ is plain TypeScript: no framework imports.',
    },
    {
      group: [
        'fs',
        'node:fs',
        'fs/*',
        'node:fs/*',
        'net',
        'node:net',
        'http',
        'node:http',
        'https',
        'node:https',
        'child_process',
        'node:child_process',
        'better-sqlite3',
        '@eventstore/*',
        '@grpc/*',
        'pino',
      ],
      message: 'domain/ does no I/O: pass data in, return decisions out.',
    },
    {
      group: [
        '**/application/*',
        '**/infrastructure/*',
        '**/http/*',
        '../application',
        '../infrastructure',
        '../http',
      ],
      message: 'domain/ depends on nothing outside itself.',
    },
    {
      group: ['@onrecord/*/*'],
      message: 'Import a lib through its index (@onrecord/<lib>), never its inner files.',
    },
  ],
};

/** Hidden clocks and randomness: a decision gets time and ids as arguments. */
const domainForbiddenSyntax = [
  {
    selector: "NewExpression[callee.name='Date'][arguments.length=0]",
    message: 'No hidden clock in domain/: take `now` as an argument.',
  },
  {
    selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
    message: 'No hidden clock in domain/: take `now` as an argument.',
  },
  {
    selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
    message: 'No randomness in domain/: take ids as arguments.',
  },
  {
    selector: "CallExpression[callee.property.name='randomUUID']",
    message: 'No randomness in domain/: take ids as arguments.',
  },
  {
    selector: "MemberExpression[object.name='process']",
    message: 'domain/ does not read the process environment.',
  },
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'bench/node_modules/**',
      'coverage/**',
      'data/**',
      '**/*.js',
      '**/*.cjs',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@onrecord/*/*'],
              message: 'Import a lib through its index (@onrecord/<lib>), never its inner files.',
            },
          ],
        },
      ],
    },
  },
  {
    // NestJS reads constructor parameter types at run time (emitDecoratorMetadata),
    // so injected classes must stay value imports in files that declare providers.
    files: [
      '**/*.module.ts',
      '**/*.controller.ts',
      '**/*.service.ts',
      '**/*.guard.ts',
      '**/*.filter.ts',
      '**/*.handler.ts',
      '**/*.provider.ts',
      '**/*.interceptor.ts',
      '**/*.dto.ts',
    ],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  {
    files: ['libs/*/src/domain/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', domainForbiddenImports],
      'no-restricted-syntax': ['error', ...domainForbiddenSyntax],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // jest's asymmetric matchers (expect.objectContaining, expect.any) are typed `any`.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  prettier,
);
