// The fleet's public door: the servers, their client, the /health table and pulls shared by replicas.
export { createFleetClient, type FleetClient } from "./client.ts";
export { DEFAULT_NAME, Fleet } from "./fleet.ts";
export { createSharedPulls, fleetScope, type SharedPulls } from "./shared-pulls.ts";
export { fleetTable } from "./table.ts";
