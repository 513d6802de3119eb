"""Fault tests: ``python -m faults`` (``make faults``) pushes permit changes to the Buzz-In sandbox
through a real Celery worker while things break, then checks that nothing was lost or applied twice.

The run, on its own database (PostgreSQL ``permit_portal_faults`` when ``DATABASE_URL`` is
PostgreSQL, else ``var/faults/permit_portal_faults.sqlite3``; ``FAULTS_DB_NAME`` names another) and its own
broker queue:

1. setup: a community, a tower, units, a contractor approved at Buzz-In, ``--permits`` permits
   approved and pushed (``permit.create`` + ``permit.submit``) and accepted by the sandbox;
2. changes: ``--changes`` extensions (each a new, unique ``valid_till``) spread over the permits,
   in four phases, each with its fault:

   a. Buzz-In outage: the sandbox answers 503 for ``--outage-seconds`` (``POST /_sandbox/outage``);
   b. worker killed: the Celery worker's whole process group gets SIGKILL while a row is being
      sent, and a new worker is started (``--worker-kills`` times);
   c. broker down: with RabbitMQ, the run's private node is stopped and started again on its data (durable
      quorum queues come back with their messages); with Redis, the broker is restarted (it comes back
      empty: ``--save ""``);
      with the filesystem broker, its queue folder is taken away for ``--broker-down-seconds``
      (every publish fails, as with a dead Redis) and comes back empty (queued messages lost);
   d. web process killed: the changes go through ``PATCH /api/v1/permits/{id}`` to gunicorn (one
      worker, several threads) and the worker gets SIGKILL right after a change committed while
      requests are in flight (``--web-kills`` times); clients that lose their answer do not know
      whether their change committed, so what committed is counted from the database;

3. drain: the relay (``delivery_relay``, run here every second) and the worker finish everything,
   within ``--drain-timeout``;
4. verdict: for every permit the sandbox's ``validTill`` equals the portal's last committed
   ``valid_till`` (else *lost*), ``/_sandbox/stats`` lists no ``duplicateAppliedKeys`` (else
   *duplicated*) and every outbox row succeeded (else *failed*). Exit status 1 when any is not 0.

RabbitMQ (``CELERY_BROKER_URL=amqp://…``, as in CI): the run always starts a private node on free loopback
ports with its data under ``var/faults/rabbitmq`` (``faults.procs.RabbitMQ``); a shared server is never
restarted. Redis: by default the run starts its own ``redis-server`` on a free loopback port with the same
flags as CI's (``--save "" --appendonly no``) and restarts that one, so a shared Redis (and whatever
else uses it) is never disturbed; ``--redis shared`` restarts the configured Redis itself instead
(it is always left running).
"""
