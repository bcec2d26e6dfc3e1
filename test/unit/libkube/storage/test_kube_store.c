/* The embedded store: the shared store contract (kube_store_contract.h), persistence, group commit. */
#include "kube_test.h"
#include "storage/kube_store.h"
#include "kube_store_contract.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

static char *tmpdir(void)
{
	char tmpl[] = "/tmp/kube-store-XXXXXX";
	char *d = mkdtemp(tmpl);

	return kube_strdup(d ? d : "/tmp/kube-store-fallback");
}

static void rmdir_all(const char *d)
{
	char *p;

	p = kube_asprintf("%s/kube.db", d);
	unlink(p);
	kube_free(p);
	p = kube_asprintf("%s/kube.db-wal", d);
	unlink(p);
	kube_free(p);
	p = kube_asprintf("%s/kube.db-shm", d);
	unlink(p);
	kube_free(p);
	rmdir(d);
}

static kube_store_t *open_store(const char *dir)
{
	kube_store_config_t cfg = { .data_dir = dir };
	kube_store_t *s = NULL;

	if (kube_store_open(&cfg, &s) < 0)
		return NULL;
	return s;
}

TEST(crud_and_cas)
{
	char *dir = tmpdir();
	kube_store_t *s = open_store(dir);
	int64_t r1;

	contract_crud_and_cas(s, 0);
	kube_store_free(s);

	/* Reopen: data and revision counter persist. */
	s = open_store(dir);
	ASSERT_EQ(kube_store_current_rev(s), 3);
	ASSERT_OK(kube_store_create(s, "/registry/pods/default/a", "{}", 2, &r1));
	ASSERT_EQ(r1, 4);
	kube_store_free(s);
	rmdir_all(dir);
	kube_free(dir);
}

TEST(list_paging_and_history)
{
	char *dir = tmpdir();
	kube_store_t *s = open_store(dir);

	contract_list_paging_and_history(s, 0);
	kube_store_free(s);
	rmdir_all(dir);
	kube_free(dir);
}

TEST(watch_history_and_live)
{
	char *dir = tmpdir();
	kube_store_t *s = open_store(dir);

	contract_watch_history_and_live(s, 0);
	kube_store_free(s);
	rmdir_all(dir);
	kube_free(dir);
}

TEST(group_commit_many_writers)
{
	char *dir = tmpdir();
	kube_store_t *s = open_store(dir);

	contract_many_writers(s, 0, 200);
	kube_store_free(s);
	rmdir_all(dir);
	kube_free(dir);
}
