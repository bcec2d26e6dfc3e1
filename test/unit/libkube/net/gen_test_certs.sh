#!/bin/sh
# gen_test_certs.sh DIR: write a throwaway PKI for TLS tests into DIR:
# ca.crt/ca.key, server.crt/server.key (127.0.0.1 and localhost), and
# client.crt/client.key (CN=client, O=system:masters). EC P-256, 2 days.
set -eu
cd "$1"
ec="-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
openssl req -x509 $ec -keyout ca.key -out ca.crt -subj /CN=kube-test-ca -days 2 2>/dev/null
openssl req $ec -keyout server.key -out server.csr -subj /CN=kube-test-server 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
	-out server.crt -days 2 -extfile server.ext 2>/dev/null
openssl req $ec -keyout client.key -out client.csr -subj "/O=system:masters/CN=client" 2>/dev/null
printf 'extendedKeyUsage=clientAuth\n' >client.ext
openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
	-out client.crt -days 2 -extfile client.ext 2>/dev/null
# a second CA nobody trusts, for negative tests
openssl req -x509 $ec -keyout other-ca.key -out other-ca.crt -subj /CN=other-ca -days 2 2>/dev/null
