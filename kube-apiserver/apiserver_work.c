/* apiserver_work: the worker threads that run blocking store calls. */
#include "apiserver.h"

typedef struct work {
	apiserver_work_fn fn;
	void *arg;
	struct work *next;
} work_t;

static void *worker_main(void *arg)
{
	apiserver_t *s = arg;

	pthread_mutex_lock(&s->work_lock);
	for (;;) {
		work_t *w;

		while (!s->work_head && !s->work_stop)
			pthread_cond_wait(&s->work_cond, &s->work_lock);
		if (!s->work_head)
			break;
		w = s->work_head;
		s->work_head = w->next;
		if (!s->work_head)
			s->work_tail = NULL;
		pthread_mutex_unlock(&s->work_lock);
		w->fn(w->arg);
		kube_free(w);
		pthread_mutex_lock(&s->work_lock);
	}
	pthread_mutex_unlock(&s->work_lock);
	return NULL;
}

int apiserver_work_start(apiserver_t *s, int nworkers)
{
	pthread_mutex_init(&s->work_lock, NULL);
	pthread_cond_init(&s->work_cond, NULL);
	s->workers = kube_calloc((size_t)nworkers, sizeof(*s->workers));
	for (int i = 0; i < nworkers; i++) {
		if (pthread_create(&s->workers[i], NULL, worker_main, s) != 0)
			return -EAGAIN;
		s->nworkers++;
	}
	return 0;
}

void apiserver_work_stop(apiserver_t *s)
{
	if (!s->workers)
		return;
	pthread_mutex_lock(&s->work_lock);
	s->work_stop = true;
	pthread_cond_broadcast(&s->work_cond);
	pthread_mutex_unlock(&s->work_lock);
	for (int i = 0; i < s->nworkers; i++)
		pthread_join(s->workers[i], NULL);
	KUBE_FREE(s->workers);
	s->nworkers = 0;
}

void apiserver_work_submit(apiserver_t *s, apiserver_work_fn fn, void *arg)
{
	work_t *w = kube_malloc(sizeof(*w));

	w->fn = fn;
	w->arg = arg;
	w->next = NULL;
	pthread_mutex_lock(&s->work_lock);
	if (s->work_tail)
		s->work_tail->next = w;
	else
		s->work_head = w;
	s->work_tail = w;
	pthread_cond_signal(&s->work_cond);
	pthread_mutex_unlock(&s->work_lock);
}
