import { serviceOnAnyResourceRule } from "./service-on-any-resource";

/**
 * Glue permissions name the catalog, database and tables they are for ("Specifying AWS Glue resource ARNs"): a job
 * role with glue:* on `*` could read or change every table of the account.
 */
export const glueNoWildcardResource = serviceOnAnyResourceRule({
  id: "glue-no-wildcard-resource",
  service: "glue",
  description: "Policies grant no Glue action on Resource `*`",
  fix: "the catalog, database/<db> and table/<db>/* ARNs",
});
