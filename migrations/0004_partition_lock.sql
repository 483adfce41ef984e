-- Serialise partition maintenance across processes (runners start together in a cluster).

CREATE OR REPLACE FUNCTION arbees_maintain_partitions(parent text, from_day date, days_ahead integer, retain_from date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  d       integer;
  child   record;
  dropped integer := 0;
BEGIN
  -- One maintainer at a time: two processes starting together must not create the same partition
  PERFORM pg_advisory_xact_lock(hashtext('arbees_maintain_partitions'));
  IF arbees_has_timescale() THEN
    EXECUTE format('SELECT drop_chunks(%L, older_than => %L::timestamptz)', parent, retain_from::timestamptz);
    RETURN 0;
  END IF;
  FOR d IN 0 .. days_ahead LOOP
    PERFORM arbees_ensure_partition(parent, from_day + d);
  END LOOP;
  FOR child IN
    SELECT c.relname
      FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = parent::regclass
       AND c.relname ~ ('^' || parent || '_p[0-9]{8}$')
       AND to_date(right(c.relname, 8), 'YYYYMMDD') + 1 <= retain_from
  LOOP
    EXECUTE format('DROP TABLE %I', child.relname);
    dropped := dropped + 1;
  END LOOP;
  RETURN dropped;
END
$$;
