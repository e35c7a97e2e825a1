// query.mjs DB: the timed one-shot process: opens the DuckDB file and runs the same
// GROUP BY as `embudo kpi deals_won,deals_lost,revenue_won,win_rate --period all --by rep`
// (by the deal's owner and stage), printing one line per rep.
import { DuckDBInstance } from '@duckdb/node-api';

const instance = await DuckDBInstance.create(process.argv[2], { access_mode: 'READ_ONLY' });
const conn = await instance.connect();
const reader = await conn.runAndReadAll(`
  SELECT owner,
         count(*) FILTER (WHERE stage = 'Won') AS won,
         count(*) FILTER (WHERE stage = 'Lost') AS lost,
         coalesce(sum(amount) FILTER (WHERE stage = 'Won'), 0) AS revenue,
         won / nullif(won + lost, 0) AS win_rate
  FROM deals GROUP BY owner ORDER BY owner`);
for (const row of reader.getRows()) console.log(row.join('\t'));
