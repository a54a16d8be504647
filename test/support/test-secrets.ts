/**
 * APPS_DATABASE_KEY of the runners and APIs the tests start: they share Forge's database, and
 * one opens the passwords the other sealed, so every one has the same key.
 */
export const TEST_APPS_DATABASE_KEY = 'test-apps-database-key-0123456789abcdef';
