/** Global test setup: nothing shared yet; PostgreSQL servers are started per suite. */
export default function setup(): void {}
