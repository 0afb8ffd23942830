// Lint: the environment seam. Protocol code must reach time, randomness and timers only through
// the injected Clock and Random, so that the simulator can replay it byte for byte.
import tseslint from 'typescript-eslint';

const seam = {
  'no-restricted-properties': ['error',
    { object: 'Date', property: 'now', message: 'use the injected Clock (clock.wallMs / clock.now)' },
    { object: 'Math', property: 'random', message: 'use the injected Random' },
    { object: 'performance', property: 'now', message: 'use the injected Clock' },
  ],
  'no-restricted-globals': ['error',
    { name: 'setTimeout', message: 'use clock.setTimeout' },
    { name: 'setInterval', message: 'use clock.setTimeout' },
    { name: 'setImmediate', message: 'use the Clock or the event queue' },
  ],
  'no-restricted-syntax': ['error',
    { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'use the injected Clock' },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'coverage/**', 'dist/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: { eqeqeq: ['error', 'always'], 'no-debugger': 'error' },
  },
  {
    files: ['src/**/*.ts', 'machines/**/*.ts', 'actors/**/*.ts', 'tui/**/*.ts'],
    // src/env touches the real machine; the dashboard page runs in a browser, outside the seam.
    ignores: ['src/env/**', 'src/web/page/**'],
    rules: seam,
  },
  // No promise in the node or the master may fail unseen: a full disk used to end the process
  // with an unhandled rejection (issue 12). Type-aware, and `void p` is no way out: handle the
  // failure (.catch, .then with a rejection handler) or await it.
  {
    files: ['src/**/*.ts', 'machines/**/*.ts', 'actors/**/*.ts', 'tui/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: false }],
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
);
