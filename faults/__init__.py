"""Fault tests: ``python -m faults`` (``make faults``) makes every kind of change the partners follow, pushed to the
Buzz-In and OPS-COM sandboxes through a real Celery worker while things break, proves that each fault landed
(at least its floor: ``config.Floors``) and checks against the sandboxes' own records that nothing was lost,
applied twice or left failed (README, "What the fault script proves").

The run, on its own database (PostgreSQL ``permit_portal_faults`` when ``DATABASE_URL`` is
PostgreSQL, else ``var/faults/permit_portal_faults.sqlite3``; ``FAULTS_DB_NAME`` names another) and its own
broker queues, under the production retry policy with every duration times ``DELIVERY_TIME_SCALE``:

1. setup: a community, a tower, units, a contractor and four more companies approved at Buzz-In, ``--permits``
   permits approved (``permit.create`` + ``permit.submit``), accepted, active, their vehicles parked at OPS-COM;
2. changes of every kind (``workload``: extensions, NOC replacements, reissues, new permits, contractor revoke
   and approve, vehicles added and removed; extensions over the JSON API) in five phases, four with a fault:

   a. outage: both sandboxes answer 503 (12 backoff bases), starting as a burst of extensions commits;
   b. worker killed: SIGKILL from inside Buzz-In as it receives a call (not applied) or right after it applied
      one (the answer never returns), then a new worker; aimed first at ``replaceNoc`` and ``reissuePass``;
   c. broker down, twice: with RabbitMQ, the run's private node is stopped and started again on its data
      (durable quorum queues come back with their messages); with Redis, the broker is restarted (it comes back
      empty: ``--save ""``); with the filesystem broker, its queue folder is taken away for
      ``--broker-down-seconds`` (every publish fails) and comes back empty (queued messages lost);
   d. web process killed: ``PATCH /api/v1/permits/{id}`` to gunicorn (one worker, several threads), SIGKILLed
      right after a change committed while requests are in flight; a kill counts when a client lost its answer
      and the database shows that change committed;
   e. every kind again, no fault;

3. drain: the relay (run here at its scaled interval) and the worker finish everything, within
   ``--drain-timeout``;
4. verdict (``report``): the partners' records against the portal's, kind by kind; exit status 1 when anything
   was lost, applied twice or failed, when the drain timed out, or when a fault is below its floor.

RabbitMQ (``CELERY_BROKER_URL=amqp://…``, as in CI): the run always starts a private node on free loopback
ports with its data under ``var/faults/rabbitmq`` (``faults.procs.RabbitMQ``); a shared server is never
restarted. Redis: by default the run starts its own ``redis-server`` on a free loopback port with the same
flags as CI's (``--save "" --appendonly no``) and restarts that one, so a shared Redis (and whatever
else uses it) is never disturbed; ``--redis shared`` restarts the configured Redis itself instead
(it is always left running).
"""
