export * from "./alarms";
export * from "./dashboard";
export * from "./event-patterns";
export * from "./platform-monitoring";
