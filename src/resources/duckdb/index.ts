export { DuckDbSession, QueryCancelledError, type DuckDbSettings, type ColumnSchema } from "./session";
export { quoteIdent, quoteLiteral, quoteList } from "./quote";
