export { DuckDbSession, QueryCancelledError, SqlError, createInstance, type DuckDbSettings, type ColumnSchema } from "./session";
export { DuckDbPool } from "./pool";
export type { ColumnsScan } from "./columnar";
export { quoteIdent, quoteLiteral, quoteList } from "./quote";
