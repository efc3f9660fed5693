/**
 * materia's public asset model. Pipelines import from here (and from the
 * resources' public interfaces) only. Pure: safe to import from workflows.
 */
export * from "./errors";
export * from "./definitions/context";
export * from "./definitions/kernel";
export * from "./definitions/asset";
export * from "./definitions/check";
export * from "./definitions/job";
export * from "./definitions/sensor";
export * from "./definitions/registry";
export * from "./definitions/resource";
export * from "./definitions/generator";
export * from "./definitions/automation";
export * from "./definitions/project";
export * from "./partitions";
export * from "./mappings";
export * from "./graph";
export * from "./selection";
export * from "./planning";
export * from "./staleness";
export * from "./sensors";
export * from "./checks";
export { shortHash } from "./hash";
