"""Text of the test playbooks' localhost plays."""


def play(name: str) -> str:
    """A localhost play's header, the collection's modules pointed at the emulator; its tasks follow."""
    return f"""
- name: {name}
  hosts: localhost
  connection: local
  gather_facts: false
  module_defaults:
    group/recovery.aws_backup.aws:
      endpoint_url: "{{{{ aws_endpoint_url }}}}"
      region: "{{{{ aws_region }}}}"
  tasks:"""
