export { ConfigError, type ConfigIssue } from "./errors";
export { loadConfig, type LoadConfigOptions, type MateriaConfig, type StorageConfig, type AlertChannelName } from "./load";
export { SETTINGS, SECRET_SETTINGS, type SettingSpec } from "./settings";
export { renderEnvExample } from "./env-example";
export { findProjectConfig, resolveProjectLocations, PROJECT_CONFIG_FILES, type CodeLocation, type ProjectLocations } from "./project-config";
