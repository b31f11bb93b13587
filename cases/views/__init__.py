"""The case workflow's pages, one module per stage; each view is thin: access helper -> form ->
one service -> redirect with a message.

- ``lists``: home, the queues, the list of requests;
- ``case``: the case page and the steps taken from it (the registry, cases/steps.py);
- ``intake``: the advocate's draft, its edits, re-certification;
- ``received``: requests received outside the portal (c. 258F s. 3), linking an organisation,
  and the acknowledgement of consistency warnings before certifying;
- ``documents``: adding and downloading a request's documents;
- ``crime_check``: the coordinator's Part 3 check and the detective's assignment;
- ``helpfulness``: the detective's Part 4 and Part 5 answers and questions to the coordinator;
- ``department``: the department's own records (the written policy, designations of
  certifying officials, the department's text of the Supplement B items);
- ``health``: the load balancer's health check and the favicon;
- ``common``: what the pages share.
"""
