// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What 'dmainspect report' leaves out of a bundle: MAC addresses, serial
 * numbers, host and user names in text and JSON, links that point outside
 * the DMA picture, and the lines of maps and the kernel log that are not
 * about DMA.
 */
#include "config.h"

#include <string.h>

#include "report-redact.h"
#include "tap.h"

static void test_redact(void)
{
	struct redactor x = { .on = true };
	char host_long[] = "myhost.example.org", host[] = "myhost", user[] = "alice";
	char *hosts[] = { host_long, host }, *users[] = { user };
	const char *log = "e1000e 0000:00:19.0 eth0: (PCI Express:2.5GT/s) 00:1f:16:0a:bb:CC\n"
			  "usb 1-1: SerialNumber: 4C530001230314113392\n"
			  "host myhost ok, myhost.example.org, myhostname, alice logged, malice\n"
			  "0000:00:02.0 fe:ed 2001:db8::1\n";
	const char *json = "{ \"alice\": \"alice and 00:11:22:33:44:55\", \"n\": 3 }";
	size_t len;
	char *s;

	x.words[RD_HOST] = hosts;
	x.n_words[RD_HOST] = 2;
	x.words[RD_USER] = users;
	x.n_words[RD_USER] = 1;
	s = redact(&x, log, strlen(log), &len);
	is_str(s, "e1000e 0000:00:19.0 eth0: (PCI Express:2.5GT/s) xx:xx:xx:xx:xx:xx\n"
		  "usb 1-1: SerialNumber: SERIAL\n"
		  "host HOSTNAME ok, HOSTNAME, myhostname, USERNAME logged, malice\n"
		  "0000:00:02.0 fe:ed 2001:db8::1\n",
	       "MAC, serial number, host and user names are replaced where they stand alone");
	is_int(x.count[RD_MAC], 1, "one MAC address");
	is_int(x.count[RD_HOST], 2, "two host names");
	free(s);
	s = redact_json(&x, json, strlen(json), &len);
	is_str(s, "{ \"alice\": \"USERNAME and xx:xx:xx:xx:xx:xx\", \"n\": 3 }",
	       "in JSON, values are redacted and keys kept");
	free(s);
	ok(!report_keeps_link("proc/12/fd/3", "/home/alice/secret.txt"),
	   "a process's fd on a file is not kept");
	ok(report_keeps_link("proc/12/fd/4", "/dmabuf:name"), "a dma-buf fd is");
	ok(report_keeps_link("proc/self", "12"), "so is proc/self");
	ok(report_keeps_link("sys/bus/pci/devices/0000:00:02.0", "../../../devices/x"),
	   "and sysfs links");
	x.on = false;
	s = redact(&x, log, strlen(log), &len);
	is_str(s, log, "with redaction off, nothing changes");
	free(s);

	char maps[] = "55d0-55d1 r--p 0 08:01 1312 /usr/bin/app\n"
		      "7f00-7f04 rw-s 0 00:0e 30 /dmabuf:\n"
		      "7ffc-7ffd rw-p 0 00:00 0 [stack]\n";
	len = report_filter("proc/100/maps", maps, strlen(maps));
	maps[len] = '\0';
	is_str(maps, "7f00-7f04 rw-s 0 00:0e 30 /dmabuf:\n", "maps keep their dma-buf lines");
	char kmsg[] = "6,1,100,-;kernel line\n SUBSYSTEM=pci\n30,2,200,-;systemd line\n"
		      "14,3,300,-;user line\n4,4,400,c;another kernel line\n";
	len = report_filter("dev/kmsg", kmsg, strlen(kmsg));
	kmsg[len] = '\0';
	is_str(kmsg, "6,1,100,-;kernel line\n4,4,400,c;another kernel line\n",
	       "the kernel log keeps the kernel's records");
}

int main(void)
{
	test_redact();
	return tap_done();
}
