"""The local gateway serves requests in parallel, each in a warm worker process of its own, as Lambda does."""

import concurrent.futures

import requests

from infra.workers import WorkerPool


def test_parallel_requests_run_in_separate_worker_processes_up_to_the_limit(db):
    pool = WorkerPool(["health"], size=3)
    try:
        with concurrent.futures.ThreadPoolExecutor(6) as executor:
            workers = list(executor.map(lambda _: _hold_a_worker(pool), range(6)))
        pids = {pid for pid in workers}
        assert 1 < len(pids) <= 3
        alive = [w.process for w in pool._all]
    finally:
        pool.close()
    assert alive and not any(p.is_alive() for p in alive)  # closing the gateway stops every worker


def _hold_a_worker(pool: WorkerPool) -> int:
    import time

    with pool.worker() as worker:
        time.sleep(0.3)  # busy: the other requests must go to other workers
        return worker.process.pid


def test_the_gateway_answers_from_its_workers(base_url):
    with concurrent.futures.ThreadPoolExecutor(8) as executor:
        answers = executor.map(lambda _: requests.get(f"{base_url}/api/health", timeout=30), range(8))
        statuses = [answer.status_code for answer in answers]
    assert statuses == [200] * 8
