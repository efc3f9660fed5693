/** The TTB pipeline's monthly axis: extracts exist from 2010 on. */
import { monthlyPartitions } from "materia";

export const TTB_MONTHS = monthlyPartitions({ start: "2010-01" });
export const TTB_GROUP = "ttb";
