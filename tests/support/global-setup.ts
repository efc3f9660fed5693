// Placeholder replaced by the foundation work: starts Temporal and MinIO for integration tests.
export default async function globalSetup(): Promise<void> {}
