// The fleet's public door: the servers, their client, and the /health table.
export { createFleetClient, type FleetClient } from "./client.ts";
export { DEFAULT_NAME, Fleet } from "./fleet.ts";
export { fleetTable } from "./table.ts";
